package dev.starfall.ingestor.sim;

import java.math.BigInteger;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    static ObjectNode item(SimTx tx, String chainId) {
        ObjectNode item = JSON.createObjectNode();
        item.put("id", tx.id());
        item.put("chainId", chainId);
        ObjectNode stdTx = item.putObject("tx");
        stdTx.put("type", "core/StdTx");
        ObjectNode value = stdTx.putObject("value");
        ObjectNode fee = value.putObject("fee");
        fee.put("gas", Long.toString(gasWanted(tx)));
        coins(fee.putArray("amount"), List.of(tx.fee()));
        ArrayNode msgs = value.putArray("msg");
        for (Msg m : tx.msgs()) {
            msgs.add(msg(m));
        }
        value.put("memo", tx.memo());
        ObjectNode signature = value.putArray("signatures").addObject();
        byte[] digest = ChainSimulator.sha256("sig/" + tx.txHash());
        signature.putObject("pub_key").put("type", "tendermint/PubKeySecp256k1")
                .put("value", Base64.getEncoder().encodeToString(ChainSimulator.sha256("pub/" + tx.txHash())));
        signature.put("signature", Base64.getEncoder().encodeToString(digest));
        value.put("timeout_height", "0");

        ArrayNode logs = JSON.createArrayNode();
        ArrayNode txEvents = JSON.createArrayNode();
        if (tx.succeeded()) {
            for (int i = 0; i < tx.msgs().size(); i++) {
                ObjectNode log = logs.addObject();
                log.put("msg_index", i);
                log.putObject("log").put("tax", tax(tx.msgs().get(i)));
                ArrayNode events = log.putArray("events");
                events(events, tx.msgs().get(i));
                txEvents.addAll(events.deepCopy());
            }
        } else {
            item.put("code", tx.failure().code());
            item.put("codespace", tx.failure().codespace());
        }
        item.set("logs", logs);
        item.set("events", txEvents);
        item.put("height", Long.toString(tx.height()));
        item.put("txhash", tx.txHash());
        item.put("raw_log", tx.succeeded() ? write(logs) : tx.failure().rawLog());
        long wanted = gasWanted(tx);
        item.put("gas_used", Long.toString(tx.succeeded() ? wanted * 3 / 4 : wanted));
        item.put("gas_wanted", Long.toString(wanted));
        item.put("timestamp", tx.blockTime().toString());
        return item;
    }

    private static ObjectNode msg(Msg m) {
        ObjectNode msg = JSON.createObjectNode();
        if (m instanceof Send s) {
            msg.put("type", "bank/MsgSend");
            ObjectNode v = msg.putObject("value");
            v.put("from_address", s.from());
            v.put("to_address", s.to());
            coins(v.putArray("amount"), s.coins());
        } else if (m instanceof Delegate d) {
            msg.put("type", "staking/MsgDelegate");
            ObjectNode v = msg.putObject("value");
            v.put("delegator_address", d.delegator());
            v.put("validator_address", d.validator());
            v.putObject("amount").put("denom", d.amount().denom()).put("amount", d.amount().amount().toString());
        }
        return msg;
    }

    private static void events(ArrayNode events, Msg m) {
        if (m instanceof Send s) {
            String amount = Coin.formatList(s.coins());
            event(events, "coin_received", "receiver", s.to(), "amount", amount);
            event(events, "coin_spent", "spender", s.from(), "amount", amount);
            event(events, "message", "action", "send", "sender", s.from(), "module", "bank");
            event(events, "transfer", "recipient", s.to(), "sender", s.from(), "amount", amount);
        } else if (m instanceof Delegate d) {
            String rewards = Coin.formatList(d.rewards());
            event(events, "coin_received", "receiver", d.delegator(), "amount", rewards);
            event(events, "coin_spent", "spender", d.rewardsFrom(), "amount", rewards);
            event(events, "delegate", "validator", d.validator(), "amount", d.amount().amount().toString());
            event(events, "message", "action", "delegate", "sender", d.rewardsFrom(), "module", "staking", "sender", d.delegator());
            event(events, "transfer", "recipient", d.delegator(), "sender", d.rewardsFrom(), "amount", rewards);
        }
    }

    private static void event(ArrayNode events, String type, String... keyValues) {
        ObjectNode event = events.addObject();
        event.put("type", type);
        ArrayNode attributes = event.putArray("attributes");
        for (int i = 0; i < keyValues.length; i += 2) {
            attributes.addObject().put("key", keyValues[i]).put("value", keyValues[i + 1]);
        }
    }

    private static void coins(ArrayNode array, List<Coin> coins) {
        for (Coin c : coins) {
            array.addObject().put("denom", c.denom()).put("amount", c.amount().toString());
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
