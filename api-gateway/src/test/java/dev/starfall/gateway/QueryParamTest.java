package dev.starfall.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryParamTest {

    @Test
    void shouldFindTheFirstValueOfAParameterInAPlainQuery() {
        assertThat(Gateway.plainQueryParam("limit=100&offset=0", "limit")).isEqualTo("100");
        assertThat(Gateway.plainQueryParam("limit=100&offset=0", "offset")).isEqualTo("0");
        assertThat(Gateway.plainQueryParam("limit=1&limit=2", "limit")).isEqualTo("1");
        assertThat(Gateway.plainQueryParam("limitx=1&xlimit=2&limit=3", "limit")).isEqualTo("3");
        assertThat(Gateway.plainQueryParam("&limit=4&", "limit")).isEqualTo("4");
        assertThat(Gateway.plainQueryParam("a=b=c&limit=5", "a")).isEqualTo("b=c");
    }

    @Test
    void shouldGiveEmptyForAParameterWithoutValueAndNullForAnAbsentOne() {
        assertThat(Gateway.plainQueryParam("limit", "limit")).isEmpty();
        assertThat(Gateway.plainQueryParam("limit=&offset=2", "limit")).isEmpty();
        assertThat(Gateway.plainQueryParam("offset=2", "limit")).isNull();
        assertThat(Gateway.plainQueryParam("lim", "limit")).isNull();
    }
}
