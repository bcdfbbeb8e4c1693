package dev.starfall.ingestor.source.lcd;

import dev.starfall.ingestor.source.lcd.LcdQuery.Dialect;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LcdQueryTest {

    static final String ADDR = "celestia1fd3mclxp4e2fh0wpau3eg55x2fsm7yjxzg29j2";

    @Test
    void shouldBuildTheSdk045EventsQueryWithOffsetPagination() {
        assertThat(LcdQuery.events(ADDR, 0, 100)).isEqualTo(
                "events=transfer.recipient%3D%27celestia1fd3mclxp4e2fh0wpau3eg55x2fsm7yjxzg29j2%27"
                        + "&pagination.offset=0&pagination.limit=100&order_by=ORDER_BY_ASC");
    }

    @Test
    void shouldBuildTheSdk050QueryWithPageAndLimit() {
        assertThat(LcdQuery.query(ADDR, 2, 100)).isEqualTo(
                "query=transfer.recipient%3D%27celestia1fd3mclxp4e2fh0wpau3eg55x2fsm7yjxzg29j2%27"
                        + "&page=2&limit=100&order_by=ORDER_BY_ASC");
    }

    @Test
    void shouldTurnAOneBasedPageIntoTheDialectsParameters() {
        assertThat(LcdQuery.transfersTo(Dialect.EVENTS, "st1abc", 3, 50))
                .isEqualTo("events=transfer.recipient%3D%27st1abc%27&pagination.offset=100&pagination.limit=50&order_by=ORDER_BY_ASC");
        assertThat(LcdQuery.transfersTo(Dialect.QUERY, "st1abc", 3, 50))
                .isEqualTo("query=transfer.recipient%3D%27st1abc%27&page=3&limit=50&order_by=ORDER_BY_ASC");
        assertThat(LcdQuery.condition("st1abc")).isEqualTo("transfer.recipient='st1abc'");
        assertThat(LcdQuery.PATH).isEqualTo("/cosmos/tx/v1beta1/txs");
    }

    @Test
    void shouldRefuseAnOffsetTheNodeWouldRoundDown() {
        assertThatThrownBy(() -> LcdQuery.events(ADDR, 150, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of the limit");
    }

    @Test
    void shouldRefuseLimitsAboveTheCometBftPageCapAndPagesBelowOne() {
        assertThatThrownBy(() -> LcdQuery.query(ADDR, 1, 101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LcdQuery.query(ADDR, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LcdQuery.query(ADDR, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LcdQuery.transfersTo(Dialect.EVENTS, ADDR, 0, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseAnAddressThatCouldBreakOutOfTheQuotes() {
        assertThatThrownBy(() -> LcdQuery.condition("st1abc' OR tx.height>0 AND 'x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LcdQuery.condition("")).isInstanceOf(IllegalArgumentException.class);
    }
}
