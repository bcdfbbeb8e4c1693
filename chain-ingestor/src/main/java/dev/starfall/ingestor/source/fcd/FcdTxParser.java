package dev.starfall.ingestor.source.fcd;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.ingestor.source.Coin;
import dev.starfall.ingestor.source.MalformedPayloadException;
import dev.starfall.ingestor.source.ParsedTransaction;
import dev.starfall.ingestor.source.TransferEvents;
import dev.starfall.ingestor.source.UtcTimestamps;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.schemas.avro.RejectionReason;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;

/**
 * Turns one element of FCD's {@code GET /v1/txs} {@code txs[]} (the amino "LcdTransaction" JSON,
 * {@code tx.type = core/StdTx}) into the events of the watched wallet.
 *
 * <p>Rules, per message {@code i} of {@code tx.value.msg[]} (the message index):
 * <ul>
 *   <li>failed transaction ({@code code} present and non-zero, or a log with {@code success=false}):
 *       every message that names the wallet becomes {@code FAILED_TRANSACTION} (one per coin for
 *       {@code bank/MsgSend}), with code and {@code raw_log} in the detail; when no message names
 *       it, one rejection with message index -1;</li>
 *   <li>{@code bank/MsgSend} to the wallet: each coin of the event denom is a {@link TransferObserved},
 *       each other coin {@code OTHER_DENOM}; an amount above 2^256-1 is {@code AMOUNT_OUT_OF_RANGE};</li>
 *   <li>{@code bank/MsgSend} from the wallet: each coin {@code OUTGOING};</li>
 *   <li>any other message type: each coin of a {@code transfer} event to the wallet in that
 *       message's log (reward withdrawals of {@code staking/MsgDelegate}, contract payouts,
 *       multi-sends) is {@code NOT_A_TRANSFER}; a message that names the wallet without a transfer
 *       to it gives one {@code NOT_A_TRANSFER} without amount;</li>
 *   <li>messages that do not involve the wallet are ignored.</li>
 * </ul>
 * Amounts are read from strings into {@link BigInteger} (never through floating point) and
 * published as {@link BigDecimal} of scale 0. Anything that cannot be read throws
 * {@link MalformedPayloadException} with the JSON path.
 *
 * <p>Thread-safe (stateless apart from the injected clock).
 */
public final class FcdTxParser {

    public static final String MSG_SEND = "bank/MsgSend";

    /** The events of one transaction. {@code id} is FCD's row id, absent in pre-2020 payloads. */
    public record ParsedTx(OptionalLong id, String txHash, long height, Instant blockTime,
                           List<TransferObserved> observed, List<TransferRejected> rejected) implements ParsedTransaction {
        public ParsedTx {
            observed = List.copyOf(observed);
            rejected = List.copyOf(rejected);
        }
    }

    private final WatchTarget target;
    private final String endpoint;
    private final Clock clock;

    /**
     * @param target   wallet, denom, chain and default chain id
     * @param endpoint name or base URL of the endpoint, stamped on every event and named in errors
     * @param clock    gives {@code observedAt}
     */
    public FcdTxParser(WatchTarget target, String endpoint, Clock clock) {
        this.target = Objects.requireNonNull(target, "target");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public WatchTarget target() {
        return target;
    }

    /** Parses one {@code txs[]} element. */
    public ParsedTx parse(JsonNode item) {
        return new TxReader(item).read();
    }

    /** One parse: keeps what errors should name. */
    private final class TxReader {
        private final JsonNode item;
        private String txRef;
        private String txHash;
        private String chainId;
        private long height;
        private Instant blockTime;
        private String memo;
        private TransferEvents recorded;

        TxReader(JsonNode item) {
            this.item = item;
        }

        ParsedTx read() {
            if (item == null || !item.isObject()) {
                throw malformed("$", "a transaction must be a JSON object");
            }
            OptionalLong id = OptionalLong.empty();
            JsonNode idNode = item.get("id");
            if (idNode != null && !idNode.isNull()) {
                if (!idNode.isIntegralNumber() || !idNode.canConvertToLong()) {
                    throw malformed("$.id", "must be an integer row id, was " + idNode);
                }
                id = OptionalLong.of(idNode.longValue());
                txRef = "id " + idNode.longValue();
            }
            txHash = text(item, "txhash", "$.txhash");
            txRef = txHash;
            height = longValue(item.get("height"), "$.height");
            blockTime = instant(item.get("timestamp"), "$.timestamp");
            JsonNode chainIdNode = item.get("chainId");
            chainId = chainIdNode != null && chainIdNode.isTextual() ? chainIdNode.textValue() : target.chainId();
            JsonNode tx = object(item, "tx", "$.tx");
            JsonNode value = object(tx, "value", "$.tx.value");
            JsonNode memoNode = value.get("memo");
            memo = memoNode != null && memoNode.isTextual() && !memoNode.textValue().isEmpty() ? memoNode.textValue() : null;
            JsonNode msgs = array(value, "msg", "$.tx.value.msg");
            JsonNode logs = item.get("logs");
            if (logs != null && !logs.isNull() && !logs.isArray()) {
                throw malformed("$.logs", "must be an array");
            }
            recorded = new TransferEvents(target, chainId, endpoint, txHash, height, blockTime, memo, clock.instant());

            String failure = failure(logs);
            for (int i = 0; i < msgs.size(); i++) {
                String path = "$.tx.value.msg[" + i + "]";
                JsonNode msg = msgs.get(i);
                if (msg == null || !msg.isObject()) {
                    throw malformed(path, "a message must be an object");
                }
                String type = text(msg, "type", path + ".type");
                JsonNode msgValue = object(msg, "value", path + ".value");
                if (failure != null) {
                    failedMessage(i, type, msgValue, path, failure);
                } else if (MSG_SEND.equals(type)) {
                    send(i, msgValue, path);
                } else {
                    otherMessage(i, type, msgValue, path, logs);
                }
            }
            if (failure != null && recorded.isEmpty()) {
                recorded.rejectTransaction(RejectionReason.FAILED_TRANSACTION, "transaction failed: " + failure);
            }
            return new ParsedTx(id, txHash, height, blockTime, recorded.observed(), recorded.rejected());
        }

        /** Null when the transaction succeeded, else "code N (codespace X): raw log". */
        private String failure(JsonNode logs) {
            Long code = codeOf(item);
            if (code == null) {
                throw malformed("$.code", "must be an integer, was " + item.get("code"));
            }
            long codeValue = code;
            if (codeValue == 0 && !anyLogFailed(logs)) {
                return null;
            }
            JsonNode codespace = item.get("codespace");
            JsonNode rawLog = item.get("raw_log");
            return "code " + (codeValue == 0 ? "unknown" : Long.toString(codeValue))
                    + (codespace != null && codespace.isTextual() ? " (codespace " + codespace.textValue() + ")" : "")
                    + ": " + (rawLog != null && rawLog.isTextual() ? rawLog.textValue() : "(no raw_log)");
        }

        private void failedMessage(int index, String type, JsonNode value, String path, String failure) {
            if (!mentionsWallet(value)) {
                return;
            }
            String detail = "transaction failed: " + failure;
            if (MSG_SEND.equals(type)) {
                String from = text(value, "from_address", path + ".value.from_address");
                String to = text(value, "to_address", path + ".value.to_address");
                for (CoinAt c : coins(value, path + ".value")) {
                    recorded.reject(index, from, to, c.coin().denom(), TransferEvents.inRangeOrNull(c.coin().amount()),
                            RejectionReason.FAILED_TRANSACTION, detail);
                }
            } else {
                recorded.reject(index, null, null, null, null, RejectionReason.FAILED_TRANSACTION, type + ": " + detail);
            }
        }

        private void send(int index, JsonNode value, String path) {
            String from = text(value, "from_address", path + ".value.from_address");
            String to = text(value, "to_address", path + ".value.to_address");
            boolean incoming = target.wallet().equals(to);
            boolean outgoing = target.wallet().equals(from);
            if (!incoming && !outgoing) {
                return;
            }
            for (CoinAt c : distinctDenoms(coins(value, path + ".value"))) {
                recorded.transfer(index, from, to, c.coin().denom(), c.coin().amount(), incoming, outgoing, c.path());
            }
        }

        private void otherMessage(int index, String type, JsonNode value, String path, JsonNode logs) {
            List<Transfer> toWallet = transfersToWallet(index, logs);
            for (Transfer t : toWallet) {
                for (Coin coin : t.coins()) {
                    recorded.reject(index, t.sender(), target.wallet(), coin.denom(), TransferEvents.inRangeOrNull(coin.amount()),
                            RejectionReason.NOT_A_TRANSFER,
                            type + " is not a " + MSG_SEND + "; its transfer of " + coin + " to the wallet does not count");
                }
            }
            if (toWallet.isEmpty() && mentionsWallet(value)) {
                recorded.reject(index, null, null, null, null, RejectionReason.NOT_A_TRANSFER,
                        type + " names the wallet but transfers nothing to it");
            }
        }

        /** Coins of {@code value.amount}: an array of {denom, amount} (MsgSend) or one such object. */
        /** {@code coins} of a successful send, whose denoms must not repeat: see {@link Coin#firstRepeatedDenom}. */
        private List<CoinAt> distinctDenoms(List<CoinAt> coins) {
            int repeated = Coin.firstRepeatedDenom(coins.stream().map(CoinAt::coin).toList());
            if (repeated >= 0) {
                String amountPath = coins.get(repeated).path();
                throw malformed(amountPath.substring(0, amountPath.length() - ".amount".length()) + ".denom", "denom "
                        + coins.get(repeated).coin().denom() + " appears twice in one message; the Cosmos SDK rejects such a "
                        + "message, and its two coins would make two transfers with one id");
            }
            return coins;
        }

        private List<CoinAt> coins(JsonNode value, String path) {
            JsonNode amount = value.get("amount");
            List<CoinAt> coins = new ArrayList<>();
            if (amount == null || !(amount.isArray() || amount.isObject())) {
                throw malformed(path + ".amount", "must be an array of coins");
            }
            if (amount.isObject()) {
                coins.add(coin(amount, path + ".amount"));
                return coins;
            }
            for (int j = 0; j < amount.size(); j++) {
                coins.add(coin(amount.get(j), path + ".amount[" + j + "]"));
            }
            return coins;
        }

        private CoinAt coin(JsonNode node, String path) {
            if (node == null || !node.isObject()) {
                throw malformed(path, "a coin must be an object {denom, amount}");
            }
            String denom = text(node, "denom", path + ".denom");
            JsonNode a = node.get("amount");
            BigInteger amount;
            if (a != null && a.isTextual() && Coin.isIntegerString(a.textValue())) {
                amount = new BigInteger(a.textValue());
            } else if (a != null && a.isIntegralNumber() && a.bigIntegerValue().signum() >= 0) {
                amount = a.bigIntegerValue();
            } else {
                throw malformed(path + ".amount", "must be a string of non-negative integer minor units, was " + a);
            }
            return new CoinAt(new Coin(amount, denom), path + ".amount");
        }

        /**
         * Transfers to the wallet in the {@code transfer} events of message {@code index}'s log.
         * Attributes repeat as groups (recipient[, sender], amount); a new group starts at each
         * {@code recipient}. The amount is a comma-joined coin list.
         */
        private List<Transfer> transfersToWallet(int index, JsonNode logs) {
            List<Transfer> out = new ArrayList<>();
            if (logs == null || !logs.isArray()) {
                return out;
            }
            for (int k = 0; k < logs.size(); k++) {
                JsonNode log = logs.get(k);
                JsonNode msgIndex = log.get("msg_index");
                int logIndex = msgIndex != null && msgIndex.canConvertToInt() ? msgIndex.intValue() : k;
                if (logIndex != index) {
                    continue;
                }
                JsonNode events = log.get("events");
                if (events == null || !events.isArray()) {
                    continue;
                }
                for (int e = 0; e < events.size(); e++) {
                    JsonNode event = events.get(e);
                    if (!"transfer".equals(event.path("type").asText())) {
                        continue;
                    }
                    String base = "$.logs[" + k + "].events[" + e + "].attributes";
                    JsonNode attributes = array(event, "attributes", base);
                    String recipient = null;
                    String sender = null;
                    for (int a = 0; a < attributes.size(); a++) {
                        JsonNode attribute = attributes.get(a);
                        String key = attribute.path("key").asText();
                        JsonNode v = attribute.get("value");
                        String valueText = v == null || v.isNull() ? "" : v.asText();
                        switch (key) {
                            case "recipient" -> {
                                recipient = valueText;
                                sender = null;
                            }
                            case "sender" -> sender = valueText;
                            case "amount" -> {
                                if (target.wallet().equals(recipient)) {
                                    List<Coin> coins;
                                    try {
                                        coins = Coin.parseList(valueText);
                                    } catch (IllegalArgumentException ex) {
                                        throw malformed(base + "[" + a + "].value", ex.getMessage());
                                    }
                                    out.add(new Transfer(sender, coins));
                                }
                            }
                            default -> {
                                // other attributes (e.g. msg_index in newer SDKs) do not matter here
                            }
                        }
                    }
                }
            }
            return out;
        }

        private boolean mentionsWallet(JsonNode node) {
            if (node == null) {
                return false;
            }
            if (node.isTextual()) {
                return target.wallet().equals(node.textValue());
            }
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                if (mentionsWallet(it.next())) {
                    return true;
                }
            }
            return false;
        }

        private JsonNode object(JsonNode parent, String field, String path) {
            JsonNode v = parent.get(field);
            if (v == null || !v.isObject()) {
                throw malformed(path, "required object is " + (v == null ? "missing" : v.getNodeType()));
            }
            return v;
        }

        private JsonNode array(JsonNode parent, String field, String path) {
            JsonNode v = parent.get(field);
            if (v == null || !v.isArray()) {
                throw malformed(path, "required array is " + (v == null ? "missing" : v.getNodeType()));
            }
            return v;
        }

        private String text(JsonNode parent, String field, String path) {
            JsonNode v = parent.get(field);
            if (v == null || !v.isTextual() || v.textValue().isEmpty()) {
                throw malformed(path, "required non-empty string is " + (v == null ? "missing" : v.toString()));
            }
            return v.textValue();
        }

        private long longValue(JsonNode v, String path) {
            if (v != null && v.isTextual() && Coin.isIntegerString(v.textValue())) {
                try {
                    return Long.parseLong(v.textValue());
                } catch (NumberFormatException e) {
                    throw malformed(path, "'" + v.textValue() + "' does not fit a 64-bit integer");
                }
            }
            if (v != null && v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0) {
                return v.longValue();
            }
            throw malformed(path, "must be a non-negative integer (as a string), was " + v);
        }

        private Instant instant(JsonNode v, String path) {
            if (v == null || !v.isTextual()) {
                throw malformed(path, "must be an ISO-8601 UTC timestamp, was " + v);
            }
            try {
                return UtcTimestamps.parse(v.textValue());
            } catch (DateTimeParseException e) {
                throw malformed(path, "'" + v.textValue() + "' is not an ISO-8601 UTC timestamp");
            }
        }

        private MalformedPayloadException malformed(String path, String problem) {
            return new MalformedPayloadException(endpoint, txRef, path, problem);
        }
    }

    /**
     * The {@code code} of a {@code txs[]} element: 0 when absent or null, null when it is neither an
     * integer nor a string of one. A transaction failed when this is not 0 or {@link #anyLogFailed}.
     */
    static Long codeOf(JsonNode item) {
        JsonNode code = item.get("code");
        if (code == null || code.isNull()) {
            return 0L;
        }
        if (code.isIntegralNumber() && code.canConvertToLong()) {
            return code.longValue();
        }
        if (code.isTextual() && Coin.isIntegerString(code.textValue())) {
            return Long.parseLong(code.textValue());
        }
        return null;
    }

    /** Whether an element of {@code logs} (when it is an array) says {@code "success": false}. */
    static boolean anyLogFailed(JsonNode logs) {
        if (logs != null && logs.isArray()) {
            for (JsonNode log : logs) {
                JsonNode success = log.get("success");
                if (success != null && success.isBoolean() && !success.booleanValue()) {
                    return true;
                }
            }
        }
        return false;
    }

    private record CoinAt(Coin coin, String path) {
    }

    private record Transfer(String sender, List<Coin> coins) {
    }
}
