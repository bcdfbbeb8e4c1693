package dev.starfall.ingestor.sim;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.starfall.ingestor.sim.SimTx.Delegate;
import dev.starfall.ingestor.sim.SimTx.Msg;
import dev.starfall.ingestor.sim.SimTx.Send;
import dev.starfall.ingestor.source.Coin;

/**
 * Renders a {@link SimTx} as one element of FCD's {@code /v1/txs} {@code txs[]}: the amino
 * "LcdTransaction" JSON of columbus-5 ({@code core/StdTx}, {@code logs[]} with events, height as a
 * string, {@code code}/{@code codespace} only when failed, {@code id} and {@code chainId}).
 */
final class FcdRenderer {

    static final ObjectMapper JSON = JsonMapper.builder().build();

    /** A simplified stability tax shown in {@code log.tax}: 0.2 % of non-Luna sends, capped at 1,400,000 minor units. */
    private static final BigInteger TAX_PER_MILLE = BigInteger.TWO;
    private static final BigInteger TAX_CAP = BigInteger.valueOf(1_400_000);

    private FcdRenderer() {
    }

    /**
     * Writes {@code tx} as one element of {@code txs[]}, straight to the generator: a page is
     * rendered without building a tree of it (the simulator shares the CPU with what it feeds).
     */
    static void write(JsonGenerator g, SimTx tx, String chainId) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", tx.id());
        g.writeStringField("chainId", chainId);
        g.writeObjectFieldStart("tx");
        g.writeStringField("type", "core/StdTx");
        g.writeObjectFieldStart("value");
        g.writeObjectFieldStart("fee");
        g.writeStringField("gas", Long.toString(gasWanted(tx)));
        g.writeArrayFieldStart("amount");
        coins(g, List.of(tx.fee()));
        g.writeEndArray();
        g.writeEndObject();
        g.writeArrayFieldStart("msg");
        for (Msg m : tx.msgs()) {
            msg(g, m);
        }
        g.writeEndArray();
        g.writeStringField("memo", tx.memo());
        g.writeArrayFieldStart("signatures");
        g.writeStartObject();
        g.writeObjectFieldStart("pub_key");
        g.writeStringField("type", "tendermint/PubKeySecp256k1");
        g.writeStringField("value", Base64.getEncoder().encodeToString(ChainSimulator.sha256("pub/" + tx.txHash())));
        g.writeEndObject();
        g.writeStringField("signature", Base64.getEncoder().encodeToString(ChainSimulator.sha256("sig/" + tx.txHash())));
        g.writeEndObject();
        g.writeEndArray();
        g.writeStringField("timeout_height", "0");
        g.writeEndObject();
        g.writeEndObject();

        String logs = "[]";
        String events = "[]";
        if (tx.succeeded()) {
            StringBuilder logsJson = new StringBuilder("[");
            StringBuilder eventsJson = new StringBuilder("[");
            for (int i = 0; i < tx.msgs().size(); i++) {
                String msgEvents = events(tx.msgs().get(i));
                if (i > 0) {
                    logsJson.append(',');
                    eventsJson.append(',');
                }
                logsJson.append("{\"msg_index\":").append(i).append(",\"log\":{\"tax\":").append(quote(tax(tx.msgs().get(i))))
                        .append("},\"events\":").append(msgEvents).append('}');
                eventsJson.append(msgEvents, 1, msgEvents.length() - 1);
            }
            logs = logsJson.append(']').toString();
            events = eventsJson.append(']').toString();
        } else {
            g.writeNumberField("code", tx.failure().code());
            g.writeStringField("codespace", tx.failure().codespace());
        }
        g.writeFieldName("logs");
        g.writeRawValue(logs);
        g.writeFieldName("events");
        g.writeRawValue(events);
        g.writeStringField("height", Long.toString(tx.height()));
        g.writeStringField("txhash", tx.txHash());
        g.writeStringField("raw_log", tx.succeeded() ? logs : tx.failure().rawLog());
        long wanted = gasWanted(tx);
        g.writeStringField("gas_used", Long.toString(tx.succeeded() ? wanted * 3 / 4 : wanted));
        g.writeStringField("gas_wanted", Long.toString(wanted));
        g.writeStringField("timestamp", tx.blockTime().toString());
        g.writeEndObject();
    }

    /** The events of one message as a JSON array. */
    private static String events(Msg m) throws IOException {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartArray();
            if (m instanceof Send s) {
                String amount = Coin.formatList(s.coins());
                event(g, "coin_received", "receiver", s.to(), "amount", amount);
                event(g, "coin_spent", "spender", s.from(), "amount", amount);
                event(g, "message", "action", "send", "sender", s.from(), "module", "bank");
                event(g, "transfer", "recipient", s.to(), "sender", s.from(), "amount", amount);
            } else if (m instanceof Delegate d) {
                String rewards = Coin.formatList(d.rewards());
                event(g, "coin_received", "receiver", d.delegator(), "amount", rewards);
                event(g, "coin_spent", "spender", d.rewardsFrom(), "amount", rewards);
                event(g, "delegate", "validator", d.validator(), "amount", d.amount().amount().toString());
                event(g, "message", "action", "delegate", "sender", d.rewardsFrom(), "module", "staking", "sender", d.delegator());
                event(g, "transfer", "recipient", d.delegator(), "sender", d.rewardsFrom(), "amount", rewards);
            }
            g.writeEndArray();
        }
        return out.toString();
    }

    private static String quote(String text) throws IOException {
        StringWriter out = new StringWriter(text.length() + 2);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeString(text);
        }
        return out.toString();
    }

    private static void event(JsonGenerator g, String type, String... keyValues) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", type);
        g.writeArrayFieldStart("attributes");
        for (int i = 0; i < keyValues.length; i += 2) {
            g.writeStartObject();
            g.writeStringField("key", keyValues[i]);
            g.writeStringField("value", keyValues[i + 1]);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void msg(JsonGenerator g, Msg m) throws IOException {
        g.writeStartObject();
        if (m instanceof Send s) {
            g.writeStringField("type", "bank/MsgSend");
            g.writeObjectFieldStart("value");
            g.writeStringField("from_address", s.from());
            g.writeStringField("to_address", s.to());
            g.writeArrayFieldStart("amount");
            coins(g, s.coins());
            g.writeEndArray();
            g.writeEndObject();
        } else if (m instanceof Delegate d) {
            g.writeStringField("type", "staking/MsgDelegate");
            g.writeObjectFieldStart("value");
            g.writeStringField("delegator_address", d.delegator());
            g.writeStringField("validator_address", d.validator());
            g.writeObjectFieldStart("amount");
            g.writeStringField("denom", d.amount().denom());
            g.writeStringField("amount", d.amount().amount().toString());
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void coins(JsonGenerator g, List<Coin> coins) throws IOException {
        for (Coin c : coins) {
            g.writeStartObject();
            g.writeStringField("denom", c.denom());
            g.writeStringField("amount", c.amount().toString());
            g.writeEndObject();
        }
    }

    private static String tax(Msg m) {
        if (!(m instanceof Send s)) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Coin c : s.coins()) {
            if (c.denom().equals("uluna")) {
                continue;
            }
            BigInteger tax = c.amount().multiply(TAX_PER_MILLE).divide(BigInteger.valueOf(1000)).min(TAX_CAP);
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(tax).append(c.denom());
        }
        return sb.toString();
    }

    private static long gasWanted(SimTx tx) {
        return 100_000L + 80_000L * tx.msgs().size();
    }

    static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise simulator JSON", e);
        }
    }
}
