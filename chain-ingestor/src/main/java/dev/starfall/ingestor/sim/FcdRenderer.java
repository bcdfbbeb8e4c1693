package dev.starfall.ingestor.sim;

import java.math.BigInteger;
import java.util.Base64;
import java.util.List;

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

    /** A rendering thread's buffers, kept between pages (a page is about 300 kB). */
    private record Scratch(JsonBytes page, JsonBytes logs, JsonBytes events) {
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(
            () -> new Scratch(new JsonBytes(512 * 1024), new JsonBytes(4096), new JsonBytes(4096)));

    private FcdRenderer() {
    }

    /**
     * One page of {@code /v1/txs}, as UTF-8 bytes: {@code next} (the id to ask below for the next
     * page, when there is one), {@code limit} and {@code txs}, in that order. The bytes are the
     * calling thread's buffer, which its next page overwrites.
     *
     * @param next the next page's offset, or null on the last page
     */
    static JsonBytes page(List<SimTx> txs, Long next, int limit, String chainId) {
        Scratch scratch = SCRATCH.get();
        JsonBytes out = scratch.page();
        JsonBytes logs = scratch.logs();
        JsonBytes events = scratch.events();
        out.clear();
        out.raw('{');
        if (next != null) {
            out.raw("\"next\":").number(next).raw(',');
        }
        out.raw("\"limit\":").number(limit).raw(",\"txs\":[");
        for (int i = 0; i < txs.size(); i++) {
            if (i > 0) {
                out.raw(',');
            }
            write(out, txs.get(i), chainId, logs, events);
        }
        return out.raw("]}");
    }

    /**
     * Writes {@code tx} as one element of {@code txs[]}, straight to bytes: the text Jackson's
     * generator wrote for it until the eighteenth round, without a generator per message or a
     * String per part (the simulator shares the CPU with what it feeds; ops/bench/REPORT.md).
     * {@code logs} and {@code events} are scratch space, cleared here.
     */
    private static void write(JsonBytes g, SimTx tx, String chainId, JsonBytes logs, JsonBytes events) {
        String hash = tx.txHash();
        long wanted = gasWanted(tx);
        List<Msg> msgs = tx.msgs();
        g.raw("{\"id\":").number(tx.id()).raw(",\"chainId\":").string(chainId);
        g.raw(",\"tx\":{\"type\":\"core/StdTx\",\"value\":{\"fee\":{\"gas\":\"").number(wanted).raw("\",\"amount\":[");
        coin(g, tx.fee());
        g.raw("]},\"msg\":[");
        for (int i = 0; i < msgs.size(); i++) {
            if (i > 0) {
                g.raw(',');
            }
            msg(g, msgs.get(i));
        }
        g.raw("],\"memo\":").string(tx.memo());
        g.raw(",\"signatures\":[{\"pub_key\":{\"type\":\"tendermint/PubKeySecp256k1\",\"value\":")
                .string(Base64.getEncoder().encodeToString(ChainSimulator.sha256("pub/" + hash)));
        g.raw("},\"signature\":").string(Base64.getEncoder().encodeToString(ChainSimulator.sha256("sig/" + hash)));
        g.raw("}],\"timeout_height\":\"0\"}}");
        logs.clear();
        events.clear();
        logs.raw('[');
        events.raw('[');
        if (tx.succeeded()) {
            for (int i = 0; i < msgs.size(); i++) {
                if (i > 0) {
                    logs.raw(',');
                    events.raw(',');
                }
                int from = events.length();
                events(events, msgs.get(i));
                logs.raw("{\"msg_index\":").number(i).raw(",\"log\":{\"tax\":").string(tax(msgs.get(i))).raw("},\"events\":[")
                        .raw(events, from, events.length()).raw("]}");
            }
        } else {
            g.raw(",\"code\":").number(tx.failure().code()).raw(",\"codespace\":").string(tx.failure().codespace());
        }
        logs.raw(']');
        events.raw(']');
        g.raw(",\"logs\":").raw(logs, 0, logs.length());
        g.raw(",\"events\":").raw(events, 0, events.length());
        g.raw(",\"height\":\"").number(tx.height()).raw("\",\"txhash\":").string(hash).raw(",\"raw_log\":");
        if (tx.succeeded()) {
            g.stringOf(logs, 0, logs.length());
        } else {
            g.string(tx.failure().rawLog());
        }
        g.raw(",\"gas_used\":\"").number(tx.succeeded() ? wanted * 3 / 4 : wanted).raw("\",\"gas_wanted\":\"").number(wanted)
                .raw("\",\"timestamp\":").string(tx.blockTime().toString()).raw('}');
    }

    /** The events of one message, the objects of its JSON array without the brackets. */
    private static void events(JsonBytes g, Msg m) {
        if (m instanceof Send s) {
            String amount = Coin.formatList(s.coins());
            event(g, "coin_received", "receiver", s.to(), "amount", amount);
            g.raw(',');
            event(g, "coin_spent", "spender", s.from(), "amount", amount);
            g.raw(',');
            event(g, "message", "action", "send", "sender", s.from(), "module", "bank");
            g.raw(',');
            event(g, "transfer", "recipient", s.to(), "sender", s.from(), "amount", amount);
        } else if (m instanceof Delegate d) {
            String rewards = Coin.formatList(d.rewards());
            event(g, "coin_received", "receiver", d.delegator(), "amount", rewards);
            g.raw(',');
            event(g, "coin_spent", "spender", d.rewardsFrom(), "amount", rewards);
            g.raw(',');
            event(g, "delegate", "validator", d.validator(), "amount", d.amount().amount().toString());
            g.raw(',');
            event(g, "message", "action", "delegate", "sender", d.rewardsFrom(), "module", "staking", "sender", d.delegator());
            g.raw(',');
            event(g, "transfer", "recipient", d.delegator(), "sender", d.rewardsFrom(), "amount", rewards);
        }
    }

    private static void event(JsonBytes g, String type, String... keyValues) {
        g.raw("{\"type\":").string(type).raw(",\"attributes\":[");
        for (int i = 0; i < keyValues.length; i += 2) {
            if (i > 0) {
                g.raw(',');
            }
            g.raw("{\"key\":").string(keyValues[i]).raw(",\"value\":").string(keyValues[i + 1]).raw('}');
        }
        g.raw("]}");
    }

    private static void msg(JsonBytes g, Msg m) {
        g.raw('{');
        if (m instanceof Send s) {
            g.raw("\"type\":\"bank/MsgSend\",\"value\":{\"from_address\":").string(s.from()).raw(",\"to_address\":").string(s.to())
                    .raw(",\"amount\":[");
            for (int i = 0; i < s.coins().size(); i++) {
                if (i > 0) {
                    g.raw(',');
                }
                coin(g, s.coins().get(i));
            }
            g.raw("]}");
        } else if (m instanceof Delegate d) {
            g.raw("\"type\":\"staking/MsgDelegate\",\"value\":{\"delegator_address\":").string(d.delegator())
                    .raw(",\"validator_address\":").string(d.validator()).raw(",\"amount\":");
            coin(g, d.amount());
            g.raw('}');
        }
        g.raw('}');
    }

    private static void coin(JsonBytes g, Coin c) {
        g.raw("{\"denom\":").string(c.denom()).raw(",\"amount\":\"").raw(c.amount().toString()).raw("\"}");
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
