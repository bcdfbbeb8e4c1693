package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import dev.starfall.ingestor.source.http.EndpointPool.EndpointConfig;
import org.junit.jupiter.api.Test;

class SourceEndpointsTest {

    private static List<EndpointConfig> parse(String v) {
        return SourceEndpoints.parse(v, "STARFALL_SOURCE_URL");
    }

    @Test
    void shouldNameASingleUrlPrimary() {
        assertThat(parse("https://fcd.terra.dev/")).containsExactly(new EndpointConfig("primary", "https://fcd.terra.dev", 1));
    }

    @Test
    void shouldReadNamesUrlsAndWeights() {
        assertThat(parse("a=https://rpc-a.example@1, b=https://rpc-b.example:8899/v1@1")).containsExactly(
                new EndpointConfig("a", "https://rpc-a.example", 1), new EndpointConfig("b", "https://rpc-b.example:8899/v1", 1));
        assertThat(parse("https://one.example@3,https://two.example")).containsExactly(
                new EndpointConfig("endpoint-1", "https://one.example", 3), new EndpointConfig("endpoint-2", "https://two.example", 1));
    }

    @Test
    void shouldTellAWeightFromTheHostAfterUserInfo() {
        assertThat(parse("k=https://user:secret@rpc.example")).containsExactly(new EndpointConfig("k", "https://user:secret@rpc.example", 1));
        assertThat(parse("k=https://user:secret@10.0.0.1@2")).containsExactly(new EndpointConfig("k", "https://user:secret@10.0.0.1", 2));
    }

    @Test
    void shouldAcceptAFailoverOnlyEndpointBesideAWeightedOne() {
        assertThat(parse("main=https://a.example@1,spare=https://b.example@0")).extracting(EndpointConfig::weight).containsExactly(1, 0);
    }

    @Test
    void shouldRefuseBadListsWithTheReason() {
        assertThatThrownBy(() -> parse("a=https://a.example,,b=https://b.example")).isInstanceOf(UsageException.class)
                .hasMessage("STARFALL_SOURCE_URL: item 2 is empty (expected [name=]URL[@weight], comma-separated)");
        assertThatThrownBy(() -> parse("fcd.example")).hasMessageContaining("URL of primary must be http(s)://host[:port][/path], got 'fcd.example'");
        assertThatThrownBy(() -> parse("ftp://fcd.example")).hasMessageContaining("must be http(s)://host");
        assertThatThrownBy(() -> parse("a=https://a.example@-1")).hasMessageContaining("weight '-1' of a must be an integer in 0..1000000");
        assertThatThrownBy(() -> parse("a=https://a.example@1.5")).hasMessageContaining("weight '1.5' of a must be an integer");
        assertThatThrownBy(() -> parse("a=https://a.example@0,b=https://b.example@0"))
                .hasMessageContaining("at least one endpoint needs a positive weight");
        assertThatThrownBy(() -> parse("my endpoint=https://a.example")).hasMessageContaining("endpoint name 'my endpoint'");
        assertThatThrownBy(() -> parse("a=https://a.example,a=https://b.example")).hasMessageContaining("endpoint name 'a' is used twice");
        assertThatThrownBy(() -> parse("a=https://a.example/v1/txs?account=x")).hasMessageContaining("without a query or fragment");
    }

    @Test
    void shouldFormatWhatItParses() {
        String text = "a=https://a.example@2,b=http://b.example:1317@0";
        assertThat(SourceEndpoints.format(parse(text))).isEqualTo(text);
    }
}
