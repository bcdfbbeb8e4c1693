package dev.starfall.ingestor.sim;

import java.math.BigInteger;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.starfall.ingestor.source.Coin;

/**
 * One simulated transaction touching the destination wallet, as the simulator models it (the
 * FCD JSON is rendered from this, never the other way round).
 *
 * <p>Kept compact, because the simulator holds its whole chain in memory (1.15 M transactions for
 * the benchmark's event): the hash is derived from the generator's seed and sequence when asked
 * for, the common transaction (one send of one coin) is stored as its parts and its message list
 * built on demand, and the fee as a number. About 100 bytes a transaction instead of about 650,
 * measured by a heap histogram. Equality is by value, as for a record.
 */
public final class SimTx {

    private final String hashPrefix;
    private final int sequence;
    private long id;
    private long height;
    private long timeMillis;
    private final Kind kind;
    /** The messages when they are not one send of one coin; else null and the send's parts below. */
    private final List<Msg> msgs;
    private final String from;
    private final String to;
    private final String denom;
    private final long amount;
    /** The amount when it does not fit a long; else null. */
    private final BigInteger bigAmount;
    private final String memo;
    private final long feeAmount;
    private final String feeDenom;
    private final Failure failure;

    /**
     * A transaction as planned, before its position in the chain is known (see {@link #place}).
     *
     * @param hashPrefix shared prefix of the hashed text; the hash is SHA-256 of prefix and sequence
     * @param sequence   the generator's sequence number
     * @param plannedAt  planned time, epoch millis (replaced by the block time when placed)
     */
    SimTx(String hashPrefix, int sequence, long plannedAt, Kind kind, List<Msg> msgs, String memo, Coin fee, Failure failure) {
        this.hashPrefix = Objects.requireNonNull(hashPrefix, "hashPrefix");
        this.sequence = sequence;
        this.timeMillis = plannedAt;
        this.kind = Objects.requireNonNull(kind, "kind");
        if (msgs.size() == 1 && msgs.get(0) instanceof Send s && s.coins().size() == 1) {
            Coin c = s.coins().get(0);
            this.msgs = null;
            this.from = s.from();
            this.to = s.to();
            this.denom = c.denom();
            boolean fits = c.amount().bitLength() < 63;
            this.amount = fits ? c.amount().longValueExact() : 0;
            this.bigAmount = fits ? null : c.amount();
        } else {
            this.msgs = List.copyOf(msgs);
            this.from = null;
            this.to = null;
            this.denom = null;
            this.amount = 0;
            this.bigAmount = null;
        }
        this.memo = Objects.requireNonNull(memo, "memo");
        boolean feeFits = fee.amount().bitLength() < 63;
        if (!feeFits) {
            throw new IllegalArgumentException("simulated fee too large: " + fee);
        }
        this.feeAmount = fee.amount().longValueExact();
        this.feeDenom = fee.denom();
        this.failure = failure;
    }

    /** Sets the row id, height and block time, once, while the generator orders the chain. */
    void place(long id, long height, long blockTimeMillis) {
        this.id = id;
        this.height = height;
        this.timeMillis = blockTimeMillis;
    }

    /** The planned time (before {@link #place}) or the block time, epoch millis. */
    long timeMillis() {
        return timeMillis;
    }

    int sequence() {
        return sequence;
    }

    /** FCD row id, strictly increasing with time. */
    public long id() {
        return id;
    }

    /** 64 upper-case hex characters. */
    public String txHash() {
        return HexFormat.of().withUpperCase().formatHex(ChainSimulator.sha256(hashPrefix + sequence));
    }

    /** Block height, non-decreasing with time. */
    public long height() {
        return height;
    }

    /** Block time (UTC, whole seconds). */
    public Instant blockTime() {
        return Instant.ofEpochMilli(timeMillis);
    }

    /** What the generator meant to produce. */
    public Kind kind() {
        return kind;
    }

    /** The messages, in order (the position is the message index). */
    public List<Msg> msgs() {
        if (msgs != null) {
            return msgs;
        }
        return List.of(new Send(from, to, List.of(new Coin(bigAmount != null ? bigAmount : BigInteger.valueOf(amount), denom))));
    }

    /** Memo, empty when none. */
    public String memo() {
        return memo;
    }

    /** Fee paid. */
    public Coin fee() {
        return Coin.of(feeAmount, feeDenom);
    }

    /** Why it failed, or null when it succeeded. */
    public Failure failure() {
        return failure;
    }

    public boolean succeeded() {
        return failure == null;
    }

    /** Every address the transaction names (messages and events): the accounts FCD lists it under. */
    public Set<String> addresses() {
        Set<String> out = new LinkedHashSet<>();
        for (Msg m : msgs()) {
            if (m instanceof Send s) {
                out.add(s.from());
                out.add(s.to());
            } else if (m instanceof Delegate d) {
                out.add(d.delegator());
                out.add(d.validator());
                if (failure == null) {
                    out.add(d.rewardsFrom());
                }
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SimTx t && id == t.id && height == t.height && timeMillis == t.timeMillis && kind == t.kind
                && txHash().equals(t.txHash()) && msgs().equals(t.msgs()) && memo.equals(t.memo) && fee().equals(t.fee())
                && Objects.equals(failure, t.failure);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, height, timeMillis, kind);
    }

    @Override
    public String toString() {
        return "SimTx[id=" + id + ", txHash=" + txHash() + ", height=" + height + ", blockTime=" + blockTime() + ", kind=" + kind
                + ", msgs=" + msgs() + ", memo=" + memo + ", fee=" + fee() + ", failure=" + failure + "]";
    }

    /** What a transaction is meant to exercise. */
    public enum Kind {
        /** One {@code bank/MsgSend} of the event denom to the wallet. */
        SEND,
        /** A send below the minimum contribution (it still counts towards the sum). */
        DUST,
        /** A send of another denom only. */
        OTHER_DENOM,
        /** One send carrying the event denom and another denom. */
        MULTI_DENOM,
        /** A send to the wallet that failed on chain. */
        FAILED,
        /** Several messages, some to the wallet, maybe one elsewhere. */
        MULTI_MESSAGE,
        /** A {@code staking/MsgDelegate} by the wallet that withdraws rewards to it. */
        STAKING_REWARD,
        /** A send from the wallet to someone else. */
        OUTGOING,
        /** A send to the wallet before the open or after the last close. */
        OUTSIDE_EVENT
    }

    /** A message of the transaction. */
    public sealed interface Msg permits Send, Delegate {
    }

    /** {@code bank/MsgSend}; coins sorted by denom, as the chain keeps them. */
    public record Send(String from, String to, List<Coin> coins) implements Msg {
        public Send {
            coins = List.copyOf(coins);
        }
    }

    /** {@code staking/MsgDelegate}, whose execution withdraws {@code rewards} from {@code rewardsFrom} to the delegator. */
    public record Delegate(String delegator, String validator, Coin amount, List<Coin> rewards, String rewardsFrom) implements Msg {
        public Delegate {
            rewards = List.copyOf(rewards);
        }
    }

    /** A chain error: code, codespace and the raw log FCD shows. */
    public record Failure(int code, String codespace, String rawLog) {
    }
}
