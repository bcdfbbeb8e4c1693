package dev.starfall.schemas;

import dev.starfall.schemas.avro.TransferObserved;

/** The stable id of a transfer: chain, transaction hash and message index. */
public final class TransferIds {

    private TransferIds() {
    }

    public static String of(String chain, String txHash, int messageIndex) {
        return chain + ':' + txHash + ':' + messageIndex;
    }

    public static String of(TransferObserved t) {
        return of(t.getChain(), t.getTxHash(), t.getMessageIndex());
    }
}
