package dev.starfall.ingestor.source.solana;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starfall.ingestor.source.Coin;
import dev.starfall.ingestor.source.MalformedPayloadException;
import dev.starfall.ingestor.source.ParsedTransaction;
import dev.starfall.ingestor.source.TransferEvents;
import dev.starfall.ingestor.source.WatchTarget;
import dev.starfall.schemas.avro.RejectionReason;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;

/**
 * Turns {@code getTransaction} (and the deprecated {@code getConfirmedTransaction}, same shape) responses in
 * {@code jsonParsed} encoding into the events of the watched wallet. The target's {@code wallet} is a Solana address;
 * its {@code denom} is {@value #LAMPORTS} (native SOL) or an SPL mint address.
 *
 * <p><b>Message index.</b> Instructions are flattened in execution order: outer instruction 0, then the inner
 * instructions of outer 0 ({@code meta.innerInstructions[].index == 0}) in order, then outer 1, its inner
 * instructions, and so on. The message index of a transfer is its 0-based position in that flattened list (so a
 * transfer found only among inner instructions has its own index). Example: the USDC fixture has outer 0 (ATA
 * create) with 4 inner instructions (positions 1-4), then the {@code transferChecked} at position 5 and the memo at 6.
 *
 * <p><b>Rules</b>, per flattened instruction:
 * <ul>
 *   <li>{@code system} {@code transfer} / {@code transferWithSeed}: to the wallet ({@code destination}) is observed when
 *       the denom is {@value #LAMPORTS} (amount {@code lamports}, sender {@code source}), else {@code OTHER_DENOM};
 *       from the wallet is {@code OUTGOING};</li>
 *   <li>{@code spl-token} {@code transfer} / {@code transferChecked}: the destination token account's owner and mint
 *       come from {@code meta.preTokenBalances}/{@code postTokenBalances} ({@code accountIndex} into
 *       {@code accountKeys}), else from an ATA {@code create} / {@code initializeAccount*} instruction of the same
 *       transaction; the mint of {@code transferChecked} is also its {@code mint} ({@code transfer} carries none). A
 *       transfer to a token account owned by the wallet is observed for the target mint, {@code OTHER_DENOM} for
 *       another mint; one from a token account owned by (or signed by) the wallet is {@code OUTGOING}. The amount is
 *       {@code amount} or {@code tokenAmount.amount} (a string of base units), never {@code uiAmount} (float) nor
 *       {@code uiAmountString}. The recipient is the destination token account. <b>Sender</b> = the owner of the
 *       source token account (the wallet whose tokens were debited) when the token balances name it, else the
 *       instruction's {@code authority} (or {@code multisigAuthority});</li>
 *   <li>{@code system createAccount} funding the wallet itself and {@code spl-token mintTo*} into the wallet's token
 *       account are {@code NOT_A_TRANSFER};</li>
 *   <li>failed transaction ({@code meta.err} != null): each of the instructions above that touches the wallet is
 *       {@code FAILED_TRANSACTION} (detail = the err JSON); when none does but the wallet is among the account keys or
 *       token-balance owners, one {@code FAILED_TRANSACTION} with message index -1;</li>
 *   <li>a successful transaction that names the wallet (account keys, token-balance owners) but yields no event
 *       gives one {@code NOT_A_TRANSFER} with message index -1, so nothing is silently dropped.</li>
 * </ul>
 * Memo: the {@code parsed} text of the {@code spl-memo} instructions (several joined by {@code "; "}), else null.
 * A {@code result: null} answer is {@link NotAvailable} (not found or not yet at the requested commitment; ask again
 * later), a JSON-RPC error {@link RpcFailed}. Anything that cannot be read throws {@link MalformedPayloadException}
 * with the signature when known and the JSON path. Thread-safe (stateless apart from the injected clock).
 */
public final class SolanaTxParser {

    public static final String LAMPORTS = "lamports";

    private static final Set<String> TOKEN_PROGRAMS = Set.of("spl-token", "spl-token-2022");

    /** The events of one transaction; {@code signature} is its first signature. */
    public record ParsedTx(String signature, long slot, Instant blockTime,
                           List<TransferObserved> observed, List<TransferRejected> rejected) implements ParsedTransaction {
        public ParsedTx {
            observed = List.copyOf(observed);
            rejected = List.copyOf(rejected);
        }
    }

    /** What one JSON-RPC response said. */
    public sealed interface Outcome permits Found, NotAvailable, RpcFailed {
    }

    /** The transaction was found and parsed. */
    public record Found(ParsedTx tx) implements Outcome {
    }

    /**
     * {@code result: null}: not found, or not yet confirmed at the requested commitment. Retriable, not an error.
     *
     * @param id the response id as text, null when absent
     */
    public record NotAvailable(String id) implements Outcome {
        public boolean retriable() {
            return true;
        }
    }

    /** A JSON-RPC error; see {@link SolanaRpcError#retriable()}. */
    public record RpcFailed(SolanaRpcError error) implements Outcome {
    }

    private final WatchTarget target;
    private final String endpoint;
    private final Clock clock;

    /**
     * @param target   wallet (Solana address), denom ({@value #LAMPORTS} or a mint), chain and chain id
     * @param endpoint name or base URL of the endpoint, stamped on every event and named in errors
     * @param clock    gives {@code observedAt}
     */
    public SolanaTxParser(WatchTarget target, String endpoint, Clock clock) {
        this.target = Objects.requireNonNull(target, "target");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public WatchTarget target() {
        return target;
    }

    /** Parses a response body: one JSON-RPC response object, or a batch (array) of them, in order. */
    public List<Outcome> parseResponses(JsonNode body) {
        if (body != null && body.isArray()) {
            List<Outcome> out = new ArrayList<>(body.size());
            for (int k = 0; k < body.size(); k++) {
                out.add(outcome(body.get(k), "$[" + k + "]"));
            }
            return out;
        }
        return List.of(outcome(body, "$"));
    }

    /** Parses one JSON-RPC response object. */
    public Outcome parseResponse(JsonNode response) {
        return outcome(response, "$");
    }

    /** Parses a {@code result} object (the transaction), without the JSON-RPC envelope. */
    public ParsedTx parseResult(JsonNode result) {
        return new TxReader(result, "$").read();
    }

    private Outcome outcome(JsonNode response, String path) {
        if (response == null || !response.isObject()) {
            throw new MalformedPayloadException(endpoint, null, path, "a JSON-RPC response must be an object");
        }
        Optional<SolanaRpcError> error;
        try {
            error = SolanaRpcError.from(response);
        } catch (IllegalArgumentException e) {
            throw new MalformedPayloadException(endpoint, null, path + ".error", e.getMessage());
        }
        if (error.isPresent()) {
            return new RpcFailed(error.get());
        }
        if (!response.has("result")) {
            throw new MalformedPayloadException(endpoint, null, path + ".result", "neither result nor error");
        }
        JsonNode result = response.get("result");
        if (result.isNull()) {
            JsonNode id = response.get("id");
            return new NotAvailable(id == null || id.isNull() ? null : id.asText());
        }
        return new Found(new TxReader(result, path + ".result").read());
    }

    /** One parse: keeps what errors should name. */
    private final class TxReader {
        private final JsonNode result;
        private final String base;
        private String signature;
        private long slot;
        private Instant blockTime;
        private String failure;
        private List<String> accountKeys;
        private final Map<String, TokenAccount> tokenAccounts = new HashMap<>();
        private TransferEvents recorded;

        TxReader(JsonNode result, String base) {
            this.result = result;
            this.base = base;
        }

        ParsedTx read() {
            if (result == null || !result.isObject()) {
                throw malformed(base, "a transaction result must be a JSON object");
            }
            JsonNode transaction = object(result, "transaction", base + ".transaction");
            JsonNode signatures = array(transaction, "signatures", base + ".transaction.signatures");
            if (signatures.isEmpty() || !signatures.get(0).isTextual() || signatures.get(0).textValue().isEmpty()) {
                throw malformed(base + ".transaction.signatures[0]", "required non-empty string is "
                        + (signatures.isEmpty() ? "missing" : signatures.get(0)));
            }
            signature = signatures.get(0).textValue();
            slot = nonNegativeLong(result.get("slot"), base + ".slot");
            JsonNode bt = result.get("blockTime");
            if (bt == null || bt.isNull()) {
                throw malformed(base + ".blockTime", "is null: the node does not know the block time of slot " + slot
                        + " (ask getBlockTime or another node)");
            }
            if (!bt.isIntegralNumber() || !bt.canConvertToLong()) {
                throw malformed(base + ".blockTime", "must be unix seconds, was " + bt);
            }
            blockTime = Instant.ofEpochSecond(bt.longValue());
            JsonNode meta = object(result, "meta", base + ".meta");
            JsonNode err = meta.get("err");
            failure = err == null || err.isNull() ? null : err.toString();
            JsonNode message = object(transaction, "message", base + ".transaction.message");
            accountKeys = accountKeys(array(message, "accountKeys", base + ".transaction.message.accountKeys"),
                    base + ".transaction.message.accountKeys");
            tokenBalances(meta.get("preTokenBalances"), base + ".meta.preTokenBalances");
            tokenBalances(meta.get("postTokenBalances"), base + ".meta.postTokenBalances");
            List<Ix> flat = flatten(array(message, "instructions", base + ".transaction.message.instructions"),
                    meta.get("innerInstructions"));
            accountsFromInstructions(flat);
            recorded = new TransferEvents(target, target.chainId(), endpoint, signature, slot, blockTime, memo(flat), clock.instant());

            for (Ix ix : flat) {
                instruction(ix);
            }
            if (recorded.isEmpty() && namesWallet()) {
                if (failure != null) {
                    recorded.rejectTransaction(RejectionReason.FAILED_TRANSACTION, "transaction failed: " + failure);
                } else {
                    recorded.rejectTransaction(RejectionReason.NOT_A_TRANSFER, "the transaction names the wallet but transfers nothing to it");
                }
            }
            return new ParsedTx(signature, slot, blockTime, recorded.observed(), recorded.rejected());
        }

        private List<String> accountKeys(JsonNode keys, String path) {
            List<String> out = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                JsonNode k = keys.get(i);
                JsonNode pubkey = k != null && k.isObject() ? k.get("pubkey") : k;
                if (pubkey == null || !pubkey.isTextual() || pubkey.textValue().isEmpty()) {
                    throw malformed(path + "[" + i + "]", "must be a pubkey string or {pubkey}, was " + k);
                }
                out.add(pubkey.textValue());
            }
            return out;
        }

        private void tokenBalances(JsonNode balances, String path) {
            if (balances == null || balances.isNull()) {
                return;
            }
            if (!balances.isArray()) {
                throw malformed(path, "must be an array");
            }
            for (int i = 0; i < balances.size(); i++) {
                JsonNode b = balances.get(i);
                String p = path + "[" + i + "]";
                if (b == null || !b.isObject()) {
                    throw malformed(p, "a token balance must be an object");
                }
                JsonNode idx = b.get("accountIndex");
                if (idx == null || !idx.isIntegralNumber() || !idx.canConvertToInt()
                        || idx.intValue() < 0 || idx.intValue() >= accountKeys.size()) {
                    throw malformed(p + ".accountIndex", "must index accountKeys (" + accountKeys.size() + "), was " + idx);
                }
                String mint = text(b, "mint", p + ".mint");
                JsonNode owner = b.get("owner");
                if (owner != null && !owner.isNull() && (!owner.isTextual() || owner.textValue().isEmpty())) {
                    throw malformed(p + ".owner", "must be a non-empty string, was " + owner);
                }
                learn(accountKeys.get(idx.intValue()), owner == null || owner.isNull() ? null : owner.textValue(), mint, p);
            }
        }

        /** Records what is known of a token account; contradictions are malformed. */
        private void learn(String account, String owner, String mint, String path) {
            TokenAccount known = tokenAccounts.get(account);
            if (known != null) {
                if (mint != null && known.mint() != null && !known.mint().equals(mint)) {
                    throw malformed(path, "token account " + account + " has mint " + mint + " here but " + known.mint() + " elsewhere");
                }
                if (owner != null && known.owner() != null && !known.owner().equals(owner)) {
                    throw malformed(path, "token account " + account + " has owner " + owner + " here but " + known.owner() + " elsewhere");
                }
                owner = owner != null ? owner : known.owner();
                mint = mint != null ? mint : known.mint();
            }
            tokenAccounts.put(account, new TokenAccount(owner, mint));
        }

        /** Outer instruction i, then its inner instructions, for every i. */
        private List<Ix> flatten(JsonNode outer, JsonNode inner) {
            List<List<Ix>> innerByOuter = new ArrayList<>(outer.size());
            for (int i = 0; i < outer.size(); i++) {
                innerByOuter.add(new ArrayList<>());
            }
            String innerPath = base + ".meta.innerInstructions";
            if (inner != null && !inner.isNull()) {
                if (!inner.isArray()) {
                    throw malformed(innerPath, "must be an array or null");
                }
                for (int g = 0; g < inner.size(); g++) {
                    JsonNode group = inner.get(g);
                    String gp = innerPath + "[" + g + "]";
                    if (group == null || !group.isObject()) {
                        throw malformed(gp, "must be an object {index, instructions}");
                    }
                    JsonNode index = group.get("index");
                    if (index == null || !index.isIntegralNumber() || !index.canConvertToInt()
                            || index.intValue() < 0 || index.intValue() >= outer.size()) {
                        throw malformed(gp + ".index", "must index the " + outer.size() + " outer instructions, was " + index);
                    }
                    JsonNode list = array(group, "instructions", gp + ".instructions");
                    for (int j = 0; j < list.size(); j++) {
                        innerByOuter.get(index.intValue()).add(new Ix(-1, list.get(j), gp + ".instructions[" + j + "]"));
                    }
                }
            }
            List<Ix> flat = new ArrayList<>();
            String outerPath = base + ".transaction.message.instructions";
            for (int i = 0; i < outer.size(); i++) {
                flat.add(new Ix(flat.size(), outer.get(i), outerPath + "[" + i + "]"));
                for (Ix ix : innerByOuter.get(i)) {
                    flat.add(new Ix(flat.size(), ix.node(), ix.path()));
                }
            }
            for (Ix ix : flat) {
                if (ix.node() == null || !ix.node().isObject()) {
                    throw malformed(ix.path(), "an instruction must be an object");
                }
            }
            return flat;
        }

        /** Token accounts created or initialised in this transaction (fills what the balances leave open). */
        private void accountsFromInstructions(List<Ix> flat) {
            for (Ix ix : flat) {
                String program = ix.node().path("program").asText("");
                JsonNode parsed = ix.node().get("parsed");
                if (parsed == null || !parsed.isObject()) {
                    continue;
                }
                String type = parsed.path("type").asText("");
                JsonNode info = parsed.path("info");
                if ("spl-associated-token-account".equals(program) && (type.equals("create") || type.equals("createIdempotent"))) {
                    fill(info.path("account").asText(null), info.path("wallet").asText(null), info.path("mint").asText(null));
                } else if (TOKEN_PROGRAMS.contains(program) && type.startsWith("initializeAccount")) {
                    fill(info.path("account").asText(null), info.path("owner").asText(null), info.path("mint").asText(null));
                }
            }
        }

        private void fill(String account, String owner, String mint) {
            if (account == null) {
                return;
            }
            TokenAccount known = tokenAccounts.get(account);
            tokenAccounts.put(account, known == null ? new TokenAccount(owner, mint)
                    : new TokenAccount(known.owner() != null ? known.owner() : owner, known.mint() != null ? known.mint() : mint));
        }

        private String memo(List<Ix> flat) {
            List<String> memos = new ArrayList<>();
            for (Ix ix : flat) {
                JsonNode parsed = ix.node().get("parsed");
                if ("spl-memo".equals(ix.node().path("program").asText("")) && parsed != null && parsed.isTextual()) {
                    memos.add(parsed.textValue());
                }
            }
            return memos.isEmpty() ? null : String.join("; ", memos);
        }

        private void instruction(Ix ix) {
            JsonNode parsed = ix.node().get("parsed");
            if (parsed == null || !parsed.isObject()) {
                return; // not parsed by the node (unknown program) or a memo string
            }
            String program = ix.node().path("program").asText("");
            String type = parsed.path("type").asText("");
            JsonNode info = parsed.get("info");
            String infoPath = ix.path() + ".parsed.info";
            if ("system".equals(program)) {
                switch (type) {
                    case "transfer", "transferWithSeed" -> nativeTransfer(ix.position(), object(parsed, "info", infoPath), infoPath);
                    case "createAccount", "createAccountWithSeed" -> {
                        JsonNode i = object(parsed, "info", infoPath);
                        if (target.wallet().equals(i.path("newAccount").asText(null))) {
                            BigInteger lamports = amount(i.get("lamports"), infoPath + ".lamports");
                            touched(ix.position(), i.path("source").asText(null), target.wallet(), LAMPORTS, lamports,
                                    RejectionReason.NOT_A_TRANSFER, "system " + type + " funding the wallet is not a transfer");
                        }
                    }
                    default -> {
                        // other system instructions move no lamports to the wallet
                    }
                }
            } else if (TOKEN_PROGRAMS.contains(program) && info != null) {
                switch (type) {
                    case "transfer", "transferChecked" -> tokenTransfer(ix.position(), type, object(parsed, "info", infoPath), infoPath);
                    case "mintTo", "mintToChecked" -> {
                        String account = text(info, "account", infoPath + ".account");
                        TokenAccount acc = tokenAccounts.get(account);
                        if (acc != null && target.wallet().equals(acc.owner())) {
                            String mint = info.hasNonNull("mint") ? info.get("mint").asText() : acc.mint();
                            touched(ix.position(), null, account, mint, tokenAmount(info, infoPath),
                                    RejectionReason.NOT_A_TRANSFER, "spl-token " + type + " into the wallet's token account is not a transfer");
                        }
                    }
                    default -> {
                        // approvals, account set-up, burns: no tokens reach the wallet
                    }
                }
            }
        }

        private void nativeTransfer(int index, JsonNode info, String path) {
            String source = text(info, "source", path + ".source");
            String destination = text(info, "destination", path + ".destination");
            boolean incoming = target.wallet().equals(destination);
            boolean outgoing = target.wallet().equals(source);
            if (!incoming && !outgoing) {
                return;
            }
            BigInteger lamports = amount(info.get("lamports"), path + ".lamports");
            classify(index, source, destination, LAMPORTS, lamports, incoming, outgoing, path + ".lamports");
        }

        private void tokenTransfer(int index, String type, JsonNode info, String path) {
            String source = text(info, "source", path + ".source");
            String destination = text(info, "destination", path + ".destination");
            String authority = info.hasNonNull("authority") ? info.get("authority").asText()
                    : info.hasNonNull("multisigAuthority") ? info.get("multisigAuthority").asText() : null;
            TokenAccount dest = tokenAccounts.getOrDefault(destination, TokenAccount.UNKNOWN);
            TokenAccount src = tokenAccounts.getOrDefault(source, TokenAccount.UNKNOWN);
            boolean incoming = target.wallet().equals(dest.owner()) || target.wallet().equals(destination);
            boolean outgoing = target.wallet().equals(src.owner()) || target.wallet().equals(authority)
                    || target.wallet().equals(source);
            if (!incoming && !outgoing) {
                return;
            }
            String mint = info.hasNonNull("mint") ? info.get("mint").asText() : null;
            for (String m : new String[] {dest.mint(), src.mint()}) {
                if (mint != null && m != null && !mint.equals(m)) {
                    throw malformed(path + ".mint", "instruction mint " + mint + " contradicts token account mint " + m);
                }
                mint = mint != null ? mint : m;
            }
            if (mint == null) {
                throw malformed(path, "spl-token " + type + " touching the wallet, but the mint of " + destination
                        + " is in neither the instruction nor the token balances");
            }
            String sender = src.owner() != null ? src.owner() : authority;
            if (sender == null) {
                throw malformed(path + ".authority", "no authority and no known owner of source " + source);
            }
            BigInteger amount = tokenAmount(info, path);
            classify(index, sender, destination, mint, amount, incoming, outgoing, path);
        }

        /** {@code amount} (string of base units) or {@code tokenAmount.amount}; never {@code uiAmount}. */
        private BigInteger tokenAmount(JsonNode info, String path) {
            if (info.has("amount")) {
                return amount(info.get("amount"), path + ".amount");
            }
            JsonNode tokenAmount = info.get("tokenAmount");
            if (tokenAmount == null || !tokenAmount.isObject()) {
                throw malformed(path + ".tokenAmount", "neither amount nor tokenAmount.amount present");
            }
            return amount(tokenAmount.get("amount"), path + ".tokenAmount.amount");
        }

        private void classify(int index, String sender, String recipient, String denom, BigInteger amount,
                              boolean incoming, boolean outgoing, String amountPath) {
            if (failure != null) {
                touched(index, sender, recipient, denom, TransferEvents.inRangeOrNull(amount), RejectionReason.FAILED_TRANSACTION,
                        "transaction failed: " + failure);
            } else {
                recorded.transfer(index, sender, recipient, denom, amount, incoming, outgoing, amountPath);
            }
        }

        private void touched(int index, String sender, String recipient, String denom, BigInteger amount,
                             RejectionReason reason, String detail) {
            recorded.reject(index, sender, recipient, denom, amount, reason, detail);
        }

        private boolean namesWallet() {
            if (accountKeys.contains(target.wallet())) {
                return true;
            }
            for (TokenAccount a : tokenAccounts.values()) {
                if (target.wallet().equals(a.owner())) {
                    return true;
                }
            }
            return false;
        }

        /** A non-negative integer: a JSON integer (lamports) or a string of digits (token base units). */
        private BigInteger amount(JsonNode v, String path) {
            if (v != null && v.isTextual() && Coin.isIntegerString(v.textValue())) {
                return new BigDecimal(v.textValue()).setScale(0).toBigIntegerExact();
            }
            if (v != null && v.isIntegralNumber() && v.bigIntegerValue().signum() >= 0) {
                return v.bigIntegerValue();
            }
            throw malformed(path, "must be a non-negative integer of base units, was " + v);
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

        private long nonNegativeLong(JsonNode v, String path) {
            if (v != null && v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0) {
                return v.longValue();
            }
            throw malformed(path, "must be a non-negative integer, was " + v);
        }

        private MalformedPayloadException malformed(String path, String problem) {
            return new MalformedPayloadException(endpoint, signature, path, problem);
        }
    }

    /** A flattened instruction: position in the flattened list, the node, its JSON path. */
    private record Ix(int position, JsonNode node, String path) {
    }

    /** What the transaction tells about a token account; either part may be unknown (null). */
    private record TokenAccount(String owner, String mint) {
        static final TokenAccount UNKNOWN = new TokenAccount(null, null);
    }
}
