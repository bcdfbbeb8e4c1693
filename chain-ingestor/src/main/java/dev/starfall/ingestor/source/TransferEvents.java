package dev.starfall.ingestor.source;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.starfall.schemas.avro.RejectionReason;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;

/**
 * Builds the events of one transaction the same way for every chain: each {@link TransferObserved} and
 * {@link TransferRejected} carries the chain and chain id, the transaction hash (or signature) and the message index
 * (which make its id), height, block time, memo, endpoint and observation time of the transaction; amounts are
 * integer minor units, published as {@link BigDecimal} of scale 0. {@link #transfer} holds the rule every parser
 * applies to a coin that moved in a successful transfer touching the wallet. Not thread-safe: one per transaction.
 */
public final class TransferEvents {

    private final WatchTarget target;
    private final String chainId;
    private final String endpoint;
    private final String txHash;
    private final long blockHeight;
    private final Instant blockTime;
    private final String memo;
    private final Instant observedAt;
    private final List<TransferObserved> observed = new ArrayList<>();
    private final List<TransferRejected> rejected = new ArrayList<>();

    /**
     * @param target      wallet, event denom and chain
     * @param chainId     network id stamped on the events (the payload's, else the target's)
     * @param endpoint    name or base URL of the endpoint the transaction was read from
     * @param txHash      transaction hash or signature
     * @param blockHeight height or slot
     * @param blockTime   block time
     * @param memo        memo, null when none
     * @param observedAt  when the ingestor read it
     */
    public TransferEvents(WatchTarget target, String chainId, String endpoint, String txHash, long blockHeight, Instant blockTime,
                          String memo, Instant observedAt) {
        this.target = Objects.requireNonNull(target, "target");
        this.chainId = Objects.requireNonNull(chainId, "chainId");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.txHash = Objects.requireNonNull(txHash, "txHash");
        this.blockHeight = blockHeight;
        this.blockTime = Objects.requireNonNull(blockTime, "blockTime");
        this.memo = memo;
        this.observedAt = Objects.requireNonNull(observedAt, "observedAt");
    }

    /** {@code amount} when a Cosmos SDK {@code Int} (and our Avro decimal) can carry it (at most 2^256-1), else null. */
    public static BigInteger inRangeOrNull(BigInteger amount) {
        return amount != null && amount.compareTo(Coin.MAX_AMOUNT) <= 0 ? amount : null;
    }

    /**
     * One coin moved by a successful transfer that touches the wallet: from the wallet it is {@code OUTGOING} (a
     * self-transfer too); an amount beyond 2^256-1 is {@code AMOUNT_OUT_OF_RANGE}; another denom than the event's
     * {@code OTHER_DENOM}; else it is observed.
     *
     * @param incoming   the wallet (or its token account) received it
     * @param outgoing   the wallet sent it
     * @param amountPath JSON path of the amount, named when it is out of range
     */
    public void transfer(int index, String sender, String recipient, String denom, BigInteger amount, boolean incoming, boolean outgoing,
                         String amountPath) {
        if (outgoing) {
            reject(index, sender, recipient, denom, inRangeOrNull(amount), RejectionReason.OUTGOING,
                    incoming ? "self-transfer by the wallet" : "sent by the wallet to " + recipient);
        } else if (inRangeOrNull(amount) == null) {
            reject(index, sender, recipient, denom, null, RejectionReason.AMOUNT_OUT_OF_RANGE,
                    "amount " + amount + " at " + amountPath + " exceeds 2^256-1");
        } else if (!target.denom().equals(denom)) {
            reject(index, sender, recipient, denom, amount, RejectionReason.OTHER_DENOM,
                    "denom " + denom + " is not the event denom " + target.denom());
        } else {
            observe(index, sender, recipient, denom, amount);
        }
    }

    /** A transfer that counts: {@code amount} of the event denom from {@code sender}. */
    public void observe(int index, String sender, String recipient, String denom, BigInteger amount) {
        observed.add(TransferObserved.newBuilder()
                .setChain(target.chain())
                .setChainId(chainId)
                .setTxHash(txHash)
                .setMessageIndex(index)
                .setBlockHeight(blockHeight)
                .setBlockTime(blockTime)
                .setSender(sender)
                .setRecipient(recipient)
                .setDenom(denom)
                .setAmount(new BigDecimal(amount))
                .setMemo(memo)
                .setSourceEndpoint(endpoint)
                .setObservedAt(observedAt)
                .build());
    }

    /** Something that touched the wallet but does not count; parties, denom and amount may be null. */
    public void reject(int index, String sender, String recipient, String denom, BigInteger amount, RejectionReason reason,
                       String detail) {
        rejected.add(TransferRejected.newBuilder()
                .setChain(target.chain())
                .setChainId(chainId)
                .setTxHash(txHash)
                .setMessageIndex(index)
                .setBlockHeight(blockHeight)
                .setBlockTime(blockTime)
                .setSender(sender)
                .setRecipient(recipient)
                .setDenom(denom)
                .setAmount(amount == null ? null : new BigDecimal(amount))
                .setMemo(memo)
                .setSourceEndpoint(endpoint)
                .setObservedAt(observedAt)
                .setReason(reason)
                .setDetail(detail)
                .build());
    }

    /** The whole transaction rejected (message index -1, no parties, no amount). */
    public void rejectTransaction(RejectionReason reason, String detail) {
        reject(-1, null, null, null, null, reason, detail);
    }

    /** Whether nothing was recorded yet. */
    public boolean isEmpty() {
        return observed.isEmpty() && rejected.isEmpty();
    }

    public List<TransferObserved> observed() {
        return List.copyOf(observed);
    }

    public List<TransferRejected> rejected() {
        return List.copyOf(rejected);
    }
}
