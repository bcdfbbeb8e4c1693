package dev.starfall.ingestor.source.lcd;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.ingestor.source.Coin;
import dev.starfall.ingestor.source.MalformedPayloadException;
import dev.starfall.ingestor.source.ParsedTransaction;
import dev.starfall.ingestor.source.SourceException;
import dev.starfall.ingestor.source.TransferEvents;
import dev.starfall.ingestor.source.UtcTimestamps;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.schemas.avro.RejectionReason;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;

/**
 * Turns Cosmos SDK LCD answers of {@code GET /cosmos/tx/v1beta1/txs} (SDK 0.45, 0.47 and 0.50 shapes) and
 * single {@code tx_response} objects into the events of the watched wallet.
 *
 * <p>Rules, per message {@code i} of {@code tx.body.messages} (the message index):
 * <ul>
 *   <li>failed transaction ({@code code} != 0): every message that names the wallet becomes
 *       {@code FAILED_TRANSACTION} (one per coin for a {@code MsgSend}) with code, codespace and {@code raw_log}
 *       in the detail; when no message names it but the wallet appears elsewhere (events, log), one rejection with
 *       message index -1; a failed transaction that does not touch the wallet gives nothing;</li>
 *   <li>{@code /cosmos.bank.v1beta1.MsgSend} (or legacy amino {@code cosmos-sdk/MsgSend}) to the wallet: each coin of
 *       the event denom is a {@link TransferObserved}, each other coin {@code OTHER_DENOM}; an amount above 2^256-1
 *       is {@code AMOUNT_OUT_OF_RANGE}; a send from the wallet is {@code OUTGOING} (also a self-send);</li>
 *   <li>any other message type: each coin of a {@code transfer} event to the wallet attributed to that message
 *       (SDK 0.45/0.47: {@code logs[].msg_index}; SDK 0.50: the {@code msg_index} event attribute), or of a
 *       {@code coin_received} event when the message has no transfer to the wallet, is {@code NOT_A_TRANSFER}; a
 *       message that names the wallet without paying it gives one {@code NOT_A_TRANSFER} without amount;</li>
 *   <li>transfers to the wallet in transaction-level events that belong to no message (the ante handler's fee
 *       payment to the fee collector) are {@code NOT_A_TRANSFER} with message index -1. On SDK 0.45/0.47,
 *       {@code tx_response.events} repeats the message events of {@code logs}; those are subtracted first.</li>
 * </ul>
 * Event attributes are read plain (SDK 0.47+) or base64-decoded (SDK 0.45/0.46 {@code tx_response.events}, e.g. key
 * {@code "cmVjaXBpZW50"}); an event is taken as encoded when every key is base64 of an identifier and none is a
 * known plain key. Amounts are read from strings into {@link BigInteger}, never through floating point, and published
 * as {@link BigDecimal} of scale 0. Anything that cannot be read throws {@link MalformedPayloadException} naming the
 * endpoint, the tx hash when known and the JSON path. Thread-safe (stateless apart from the injected clock).
 */
public final class LcdTxParser {

    public static final String MSG_SEND = "/cosmos.bank.v1beta1.MsgSend";
    public static final String AMINO_MSG_SEND = "cosmos-sdk/MsgSend";

    private static final Set<String> PLAIN_KEYS = Set.of("recipient", "sender", "amount", "receiver", "spender",
            "action", "module", "msg_index", "fee", "fee_payer", "acc_seq", "signature", "validator", "delegator",
            "authz_msg_index", "mode");
    private static final Pattern BASE64 = Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    /** The events of one transaction. */
    public record ParsedTx(String txHash, long height, Instant blockTime,
                           List<TransferObserved> observed, List<TransferRejected> rejected) implements ParsedTransaction {
        public ParsedTx {
            observed = List.copyOf(observed);
            rejected = List.copyOf(rejected);
        }
    }

    /** SDK 0.45 {@code pagination}: {@code next_key} is always null on tx search; {@code total} a decimal string or null. */
    public record Pagination(String nextKey, String total) {
    }

    /**
     * One page of {@code GET /cosmos/tx/v1beta1/txs}.
     *
     * @param txs        the transactions in page order
     * @param total      the top-level {@code total} (SDK 0.46+), null when absent
     * @param pagination the {@code pagination} object (SDK 0.45), null when absent or null (SDK 0.47+)
     */
    public record Page(List<ParsedTx> txs, String total, Pagination pagination) {
        public Page {
            txs = List.copyOf(txs);
        }

        /** The total number of matching transactions as the node counted it: top-level {@code total}, else {@code pagination.total}. */
        public OptionalLong totalCount() {
            String t = total != null ? total : pagination == null ? null : pagination.total();
            return t == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(t));
        }
    }

    private final WatchTarget target;
    private final String endpoint;
    private final Clock clock;

    /**
     * @param target   wallet, denom, chain and chain id
     * @param endpoint name or base URL of the endpoint, stamped on every event and named in errors
     * @param clock    gives {@code observedAt}
     */
    public LcdTxParser(WatchTarget target, String endpoint, Clock clock) {
        this.target = Objects.requireNonNull(target, "target");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public WatchTarget target() {
        return target;
    }

    /**
     * Parses a {@code GET /cosmos/tx/v1beta1/txs} body. {@code txs[i]} is paired with {@code tx_responses[i]}; when
     * {@code txs} is absent, {@code tx_responses[i].tx} is used.
     *
     * @throws SourceException            when the body is a gRPC-gateway error ({@link LcdError}), retriable or not
     * @throws MalformedPayloadException when the body is neither a page nor an error
     */
    public Page parsePage(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new MalformedPayloadException(endpoint, null, "$", "a txs page must be a JSON object");
        }
        var error = LcdError.from(body);
        if (error.isPresent()) {
            throw error.get().toException(endpoint, "GET " + LcdQuery.PATH);
        }
        JsonNode responses = body.get("tx_responses");
        if (responses == null || !responses.isArray()) {
            throw new MalformedPayloadException(endpoint, null, "$.tx_responses",
                    "required array is " + (responses == null ? "missing" : responses.getNodeType()));
        }
        JsonNode txs = body.get("txs");
        boolean paired = txs != null && !txs.isNull();
        if (paired && (!txs.isArray() || txs.size() != responses.size())) {
            throw new MalformedPayloadException(endpoint, null, "$.txs", "must be an array as long as tx_responses ("
                    + responses.size() + "), was " + (txs.isArray() ? txs.size() + " long" : txs.getNodeType()));
        }
        List<ParsedTx> parsed = new ArrayList<>(responses.size());
        for (int i = 0; i < responses.size(); i++) {
            JsonNode tx = paired ? txs.get(i) : null;
            parsed.add(new TxReader(responses.get(i), "$.tx_responses[" + i + "]", tx, paired ? "$.txs[" + i + "]" : null).read());
        }
        return new Page(parsed, totalField(body.get("total"), "$.total"), pagination(body.get("pagination")));
    }

    /**
     * Parses one transaction.
     *
     * @param txResponse a {@code tx_responses[]} element or the {@code tx_response} of {@code GET .../txs/{hash}}
     * @param tx         the matching {@code txs[]} element, or null to use {@code txResponse.tx}
     */
    public ParsedTx parse(JsonNode txResponse, JsonNode tx) {
        return new TxReader(txResponse, "$", tx, tx == null ? null : "$.tx").read();
    }

    /** Parses the body of {@code GET /cosmos/tx/v1beta1/txs/{hash}} ({@code {tx, tx_response}}) or a bare {@code tx_response}. */
    public ParsedTx parseSingle(JsonNode body) {
        if (body != null && body.isObject()) {
            var error = LcdError.from(body);
            if (error.isPresent()) {
                throw error.get().toException(endpoint, "GET " + LcdQuery.PATH + "/{hash}");
            }
            JsonNode inner = body.get("tx_response");
            if (inner != null && inner.isObject()) {
                JsonNode tx = body.get("tx");
                return new TxReader(inner, "$.tx_response", tx != null && tx.isObject() ? tx : null,
                        tx != null && tx.isObject() ? "$.tx" : null).read();
            }
        }
        return parse(body, null);
    }

    private String totalField(JsonNode v, String path) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual() && Coin.isIntegerString(v.textValue()) && v.textValue().length() <= 18) {
            return v.textValue();
        }
        if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0) {
            return Long.toString(v.longValue());
        }
        throw new MalformedPayloadException(endpoint, null, path, "must be a non-negative integer string, was " + v);
    }

    private Pagination pagination(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new MalformedPayloadException(endpoint, null, "$.pagination", "must be an object or null, was " + v.getNodeType());
        }
        JsonNode nextKey = v.get("next_key");
        if (nextKey != null && !nextKey.isNull() && !nextKey.isTextual()) {
            throw new MalformedPayloadException(endpoint, null, "$.pagination.next_key", "must be a string or null, was " + nextKey);
        }
        return new Pagination(nextKey == null || nextKey.isNull() ? null : nextKey.textValue(),
                totalField(v.get("total"), "$.pagination.total"));
    }

    /** One parse: keeps what errors should name. */
    private final class TxReader {
        private final JsonNode resp;
        private final String respPath;
        private JsonNode tx;
        private String txPath;
        private String txHash;
        private long height;
        private Instant blockTime;
        private String memo;
        private TransferEvents recorded;

        TxReader(JsonNode resp, String respPath, JsonNode tx, String txPath) {
            this.resp = resp;
            this.respPath = respPath;
            this.tx = tx;
            this.txPath = txPath;
        }

        ParsedTx read() {
            if (resp == null || !resp.isObject()) {
                throw malformed(respPath, "a tx_response must be a JSON object");
            }
            txHash = text(resp, "txhash", respPath + ".txhash");
            height = longValue(resp.get("height"), respPath + ".height");
            blockTime = instant(resp.get("timestamp"), respPath + ".timestamp");
            if (tx == null) {
                tx = object(resp, "tx", respPath + ".tx");
                txPath = respPath + ".tx";
            } else if (!tx.isObject()) {
                throw malformed(txPath, "a tx must be a JSON object");
            }
            JsonNode messages;
            String messagesPath;
            JsonNode memoNode;
            JsonNode body = tx.get("body");
            if (body != null && body.isObject()) {
                messagesPath = txPath + ".body.messages";
                messages = array(body, "messages", messagesPath);
                memoNode = body.get("memo");
            } else if (tx.path("value").isObject() && tx.path("value").has("msg")) {
                // legacy amino StdTx: {type: cosmos-sdk/StdTx, value: {msg: [...], memo}}
                messagesPath = txPath + ".value.msg";
                messages = array(tx.get("value"), "msg", messagesPath);
                memoNode = tx.get("value").get("memo");
            } else {
                throw malformed(txPath + ".body", "required object is missing");
            }
            memo = memoNode != null && memoNode.isTextual() && !memoNode.textValue().isEmpty() ? memoNode.textValue() : null;
            recorded = new TransferEvents(target, target.chainId(), endpoint, txHash, height, blockTime, memo, clock.instant());

            Events credits = events(messages.size());
            String failure = failure();
            for (int i = 0; i < messages.size(); i++) {
                String path = messagesPath + "[" + i + "]";
                Msg msg = message(messages.get(i), path);
                if (failure != null) {
                    failedMessage(i, msg, failure);
                } else if (MSG_SEND.equals(msg.type()) || AMINO_MSG_SEND.equals(msg.type())) {
                    send(i, msg);
                } else {
                    otherMessage(i, msg, credits.perMessage().get(i));
                }
            }
            if (failure != null) {
                JsonNode rawLog = resp.get("raw_log");
                if (recorded.isEmpty() && (credits.mentionsWallet()
                        || (rawLog != null && rawLog.isTextual() && rawLog.textValue().contains(target.wallet())))) {
                    recorded.rejectTransaction(RejectionReason.FAILED_TRANSACTION, "transaction failed: " + failure);
                }
            } else {
                for (Credit c : credits.txLevel()) {
                    for (Coin coin : c.coins()) {
                        recorded.reject(-1, c.sender(), target.wallet(), coin.denom(), TransferEvents.inRangeOrNull(coin.amount()),
                                RejectionReason.NOT_A_TRANSFER, "transaction-level " + c.eventType() + " of " + coin
                                        + " to the wallet (fee or ante handler, not a message) does not count");
                    }
                }
            }
            return new ParsedTx(txHash, height, blockTime, recorded.observed(), recorded.rejected());
        }

        /** Null when the transaction succeeded, else "code N (codespace X): raw log". */
        private String failure() {
            JsonNode code = resp.get("code");
            long codeValue = 0;
            if (code != null && !code.isNull()) {
                if (code.isIntegralNumber() && code.canConvertToLong()) {
                    codeValue = code.longValue();
                } else if (code.isTextual() && Coin.isIntegerString(code.textValue()) && code.textValue().length() < 10) {
                    codeValue = Long.parseLong(code.textValue());
                } else {
                    throw malformed(respPath + ".code", "must be an integer, was " + code);
                }
            }
            if (codeValue == 0) {
                return null;
            }
            JsonNode codespace = resp.get("codespace");
            JsonNode rawLog = resp.get("raw_log");
            return "code " + codeValue
                    + (codespace != null && codespace.isTextual() && !codespace.textValue().isEmpty()
                            ? " (codespace " + codespace.textValue() + ")" : "")
                    + ": " + (rawLog != null && rawLog.isTextual() ? rawLog.textValue() : "(no raw_log)");
        }

        private Msg message(JsonNode msg, String path) {
            if (msg == null || !msg.isObject()) {
                throw malformed(path, "a message must be an object");
            }
            JsonNode protoType = msg.get("@type");
            if (protoType != null) {
                if (!protoType.isTextual() || protoType.textValue().isEmpty()) {
                    throw malformed(path + ".@type", "required non-empty string is " + protoType);
                }
                return new Msg(protoType.textValue(), msg, path);
            }
            String type = text(msg, "type", path + ".type");
            return new Msg(type, object(msg, "value", path + ".value"), path + ".value");
        }

        private void failedMessage(int index, Msg msg, String failure) {
            if (!mentionsWallet(msg.value())) {
                return;
            }
            String detail = "transaction failed: " + failure;
            if (MSG_SEND.equals(msg.type()) || AMINO_MSG_SEND.equals(msg.type())) {
                String from = text(msg.value(), "from_address", msg.path() + ".from_address");
                String to = text(msg.value(), "to_address", msg.path() + ".to_address");
                for (CoinAt c : coins(msg.value(), msg.path())) {
                    recorded.reject(index, from, to, c.coin().denom(), TransferEvents.inRangeOrNull(c.coin().amount()),
                            RejectionReason.FAILED_TRANSACTION, detail);
                }
            } else {
                recorded.reject(index, null, null, null, null, RejectionReason.FAILED_TRANSACTION, msg.type() + ": " + detail);
            }
        }

        private void send(int index, Msg msg) {
            String from = text(msg.value(), "from_address", msg.path() + ".from_address");
            String to = text(msg.value(), "to_address", msg.path() + ".to_address");
            boolean incoming = target.wallet().equals(to);
            boolean outgoing = target.wallet().equals(from);
            if (!incoming && !outgoing) {
                return;
            }
            for (CoinAt c : distinctDenoms(coins(msg.value(), msg.path()))) {
                recorded.transfer(index, from, to, c.coin().denom(), c.coin().amount(), incoming, outgoing, c.path());
            }
        }

        private void otherMessage(int index, Msg msg, List<Credit> credits) {
            for (Credit c : credits) {
                for (Coin coin : c.coins()) {
                    recorded.reject(index, c.sender(), target.wallet(), coin.denom(), TransferEvents.inRangeOrNull(coin.amount()),
                            RejectionReason.NOT_A_TRANSFER, msg.type() + " is not a MsgSend; its " + c.eventType()
                                    + " of " + coin + " to the wallet does not count");
                }
            }
            if (credits.isEmpty() && mentionsWallet(msg.value())) {
                recorded.reject(index, null, null, null, null, RejectionReason.NOT_A_TRANSFER,
                        msg.type() + " names the wallet but transfers nothing to it");
            }
        }

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

        /** Coins of {@code amount}: an array of {denom, amount}. */
        private List<CoinAt> coins(JsonNode value, String path) {
            JsonNode amount = value.get("amount");
            if (amount == null || !amount.isArray()) {
                throw malformed(path + ".amount", "must be an array of coins");
            }
            List<CoinAt> coins = new ArrayList<>();
            for (int j = 0; j < amount.size(); j++) {
                String p = path + ".amount[" + j + "]";
                JsonNode node = amount.get(j);
                if (node == null || !node.isObject()) {
                    throw malformed(p, "a coin must be an object {denom, amount}");
                }
                String denom = text(node, "denom", p + ".denom");
                JsonNode a = node.get("amount");
                BigInteger value2;
                if (a != null && a.isTextual() && Coin.isIntegerString(a.textValue())) {
                    value2 = new BigDecimal(a.textValue()).setScale(0).toBigIntegerExact();
                } else {
                    throw malformed(p + ".amount", "must be a string of non-negative integer minor units, was " + a);
                }
                coins.add(new CoinAt(new Coin(value2, denom), p + ".amount"));
            }
            return coins;
        }

        // ---- events ---------------------------------------------------------------------------------------------

        /**
         * Credits to the wallet per message and at transaction level. Per message: from {@code logs[]} when present
         * (SDK 0.45/0.47), else from {@code tx_response.events} carrying a {@code msg_index} attribute (SDK 0.50).
         * Transaction level: {@code tx_response.events} without {@code msg_index}, minus the credits already found in
         * {@code logs} (SDK 0.45/0.47 repeat message events there).
         */
        private Events events(int messageCount) {
            List<List<Credit>> perMessage = new ArrayList<>(messageCount);
            for (int i = 0; i < messageCount; i++) {
                perMessage.add(new ArrayList<>());
            }
            boolean[] mentions = {false};
            List<Credit> fromLogs = new ArrayList<>();
            JsonNode logs = resp.get("logs");
            boolean haveLogs = false;
            if (logs != null && !logs.isNull()) {
                if (!logs.isArray()) {
                    throw malformed(respPath + ".logs", "must be an array");
                }
                for (int k = 0; k < logs.size(); k++) {
                    JsonNode log = logs.get(k);
                    String logPath = respPath + ".logs[" + k + "]";
                    if (log == null || !log.isObject()) {
                        throw malformed(logPath, "a log must be an object");
                    }
                    JsonNode msgIndex = log.get("msg_index");
                    int index = msgIndex == null || msgIndex.isNull() ? k : intValue(msgIndex, logPath + ".msg_index");
                    if (index < 0 || index >= messageCount) {
                        throw malformed(logPath + ".msg_index", "no message " + index + " among " + messageCount);
                    }
                    JsonNode evs = log.get("events");
                    if (evs == null || evs.isNull()) {
                        continue;
                    }
                    if (!evs.isArray()) {
                        throw malformed(logPath + ".events", "must be an array");
                    }
                    List<Event> decoded = new ArrayList<>();
                    for (int e = 0; e < evs.size(); e++) {
                        decoded.add(event(evs.get(e), logPath + ".events[" + e + "]"));
                    }
                    List<Credit> credits = credits(decoded, mentions);
                    perMessage.get(index).addAll(credits);
                    fromLogs.addAll(credits);
                    haveLogs = true;
                }
            }
            List<Event> txLevelEvents = new ArrayList<>();
            List<List<Event>> indexedEvents = new ArrayList<>(messageCount);
            for (int i = 0; i < messageCount; i++) {
                indexedEvents.add(new ArrayList<>());
            }
            JsonNode evs = resp.get("events");
            if (evs != null && !evs.isNull()) {
                if (!evs.isArray()) {
                    throw malformed(respPath + ".events", "must be an array");
                }
                for (int e = 0; e < evs.size(); e++) {
                    String path = respPath + ".events[" + e + "]";
                    Event event = event(evs.get(e), path);
                    String msgIndex = event.attribute("msg_index");
                    if (msgIndex == null) {
                        txLevelEvents.add(event);
                        continue;
                    }
                    int index;
                    if (!Coin.isIntegerString(msgIndex) || msgIndex.length() > 9
                            || (index = Integer.parseInt(msgIndex)) >= messageCount) {
                        throw malformed(path, "msg_index '" + msgIndex + "' names no message among " + messageCount);
                    }
                    indexedEvents.get(index).add(event);
                }
            }
            if (!haveLogs) {
                for (int i = 0; i < messageCount; i++) {
                    perMessage.get(i).addAll(credits(indexedEvents.get(i), mentions));
                }
            }
            List<Credit> txLevel = credits(txLevelEvents, mentions);
            for (Credit inLog : fromLogs) {
                txLevel.remove(inLog);
            }
            return new Events(perMessage, txLevel, mentions[0]);
        }

        /** Credits to the wallet in one scope: its transfer events, or its coin_received events when there are none. */
        private List<Credit> credits(List<Event> events, boolean[] mentions) {
            List<Credit> transfers = new ArrayList<>();
            List<Credit> received = new ArrayList<>();
            for (Event event : events) {
                for (Attr a : event.attributes()) {
                    if (target.wallet().equals(a.value())) {
                        mentions[0] = true;
                    }
                }
                if ("transfer".equals(event.type())) {
                    transfers.addAll(groups(event, "recipient", "sender"));
                } else if ("coin_received".equals(event.type())) {
                    received.addAll(groups(event, "receiver", null));
                }
            }
            return transfers.isEmpty() ? received : transfers;
        }

        /**
         * Splits an event's attributes into (to, from, amount) groups: attributes repeat as groups when the SDK
         * merges events of one type in a log; a group ends when one of its keys comes again.
         */
        private List<Credit> groups(Event event, String toKey, String fromKey) {
            List<Credit> out = new ArrayList<>();
            String to = null;
            String from = null;
            String amount = null;
            String amountPath = null;
            for (Attr a : event.attributes()) {
                boolean isTo = a.key().equals(toKey);
                boolean isFrom = a.key().equals(fromKey);
                boolean isAmount = a.key().equals("amount");
                if ((isTo && to != null) || (isFrom && from != null) || (isAmount && amount != null)) {
                    addCredit(out, event.type(), to, from, amount, amountPath);
                    to = null;
                    from = null;
                    amount = null;
                }
                if (isTo) {
                    to = a.value();
                } else if (isFrom) {
                    from = a.value();
                } else if (isAmount) {
                    amount = a.value();
                    amountPath = a.path();
                }
            }
            addCredit(out, event.type(), to, from, amount, amountPath);
            return out;
        }

        private void addCredit(List<Credit> out, String type, String to, String from, String amount, String path) {
            if (!target.wallet().equals(to) || amount == null) {
                return;
            }
            try {
                out.add(new Credit(type, from, amount, Coin.parseList(amount)));
            } catch (IllegalArgumentException e) {
                throw malformed(path, e.getMessage());
            }
        }

        private Event event(JsonNode node, String path) {
            if (node == null || !node.isObject()) {
                throw malformed(path, "an event must be an object");
            }
            String type = text(node, "type", path + ".type");
            JsonNode attributes = node.get("attributes");
            List<Attr> attrs = new ArrayList<>();
            if (attributes == null || attributes.isNull()) {
                return new Event(type, attrs);
            }
            if (!attributes.isArray()) {
                throw malformed(path + ".attributes", "must be an array");
            }
            boolean encoded = attributes.size() > 0;
            for (int a = 0; a < attributes.size(); a++) {
                JsonNode attribute = attributes.get(a);
                if (attribute == null || !attribute.isObject()) {
                    throw malformed(path + ".attributes[" + a + "]", "an attribute must be an object");
                }
                JsonNode key = attribute.get("key");
                if (key == null || !key.isTextual()) {
                    throw malformed(path + ".attributes[" + a + "].key", "required string is " + key);
                }
                if (!looksEncoded(key.textValue())) {
                    encoded = false;
                }
            }
            for (int a = 0; a < attributes.size(); a++) {
                JsonNode attribute = attributes.get(a);
                String p = path + ".attributes[" + a + "]";
                String key = attribute.get("key").textValue();
                JsonNode v = attribute.get("value");
                if (v != null && !v.isNull() && !v.isTextual()) {
                    throw malformed(p + ".value", "must be a string, was " + v.getNodeType());
                }
                String value = v == null || v.isNull() ? "" : v.textValue();
                if (encoded) {
                    key = decode(key, p + ".key");
                    value = decode(value, p + ".value");
                }
                attrs.add(new Attr(key, value, p + ".value"));
            }
            return new Event(type, attrs);
        }

        private boolean looksEncoded(String key) {
            if (key.isEmpty() || PLAIN_KEYS.contains(key) || !BASE64.matcher(key).matches()) {
                return false;
            }
            try {
                return IDENTIFIER.matcher(new String(Base64.getDecoder().decode(key), StandardCharsets.US_ASCII)).matches();
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        private String decode(String base64, String path) {
            try {
                byte[] bytes = Base64.getDecoder().decode(base64);
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (IllegalArgumentException | CharacterCodingException e) {
                throw malformed(path, "'" + base64 + "' is not base64 of UTF-8 text in a base64-encoded event");
            }
        }

        // ---- helpers --------------------------------------------------------------------------------------------

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

        private int intValue(JsonNode v, String path) {
            if (v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 0) {
                return v.intValue();
            }
            if (v.isTextual() && Coin.isIntegerString(v.textValue()) && v.textValue().length() <= 9) {
                return Integer.parseInt(v.textValue());
            }
            throw malformed(path, "must be a non-negative integer, was " + v);
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
            return new MalformedPayloadException(endpoint, txHash, path, problem);
        }
    }

    private record Msg(String type, JsonNode value, String path) {
    }

    private record CoinAt(Coin coin, String path) {
    }

    private record Attr(String key, String value, String path) {
    }

    private record Event(String type, List<Attr> attributes) {
        String attribute(String key) {
            for (Attr a : attributes) {
                if (a.key().equals(key)) {
                    return a.value();
                }
            }
            return null;
        }
    }

    /** A credit to the wallet found in events; equality (type, sender, amount text) pairs tx-level and log copies. */
    private record Credit(String eventType, String sender, String amountText, List<Coin> coins) {
    }

    private record Events(List<List<Credit>> perMessage, List<Credit> txLevel, boolean mentionsWallet) {
    }
}
