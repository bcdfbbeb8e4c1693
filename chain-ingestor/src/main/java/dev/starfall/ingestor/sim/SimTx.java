package dev.starfall.ingestor.sim;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.starfall.ingestor.source.Coin;

/**
 * One simulated transaction touching the destination wallet, as the simulator models it (the
 * FCD JSON is rendered from this, never the other way round).
 *
 * @param id        FCD row id, strictly increasing with time
 * @param txHash    64 upper-case hex characters
 * @param height    block height, non-decreasing with time
 * @param blockTime block time (UTC, whole seconds)
 * @param kind      what the generator meant to produce
 * @param msgs      the messages, in order (the position is the message index)
 * @param memo      memo, empty when none
 * @param fee       fee paid
 * @param failure   why it failed, or null when it succeeded
 */
public record SimTx(long id, String txHash, long height, Instant blockTime, Kind kind, List<Msg> msgs, String memo, Coin fee,
                    Failure failure) {

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

    public SimTx {
        Objects.requireNonNull(txHash, "txHash");
        Objects.requireNonNull(blockTime, "blockTime");
        msgs = List.copyOf(msgs);
    }

    public boolean succeeded() {
        return failure == null;
    }

    /** Every address the transaction names (messages and events): the accounts FCD lists it under. */
    public Set<String> addresses() {
        Set<String> out = new LinkedHashSet<>();
        for (Msg m : msgs) {
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
}
