package dev.starfall.ingestor.sim;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starfall.ingestor.sim.SimTx.Delegate;
import dev.starfall.ingestor.sim.SimTx.Msg;
import dev.starfall.ingestor.sim.SimTx.Send;
import dev.starfall.ingestor.source.Coin;

/**
 * The simulator's history as Solana shows it (JSON-RPC, {@code jsonParsed}). Slots are the block heights; block
 * times the same. Failed transactions carry {@code meta.err}. A staking reward becomes a stake-program
 * {@code delegate} naming the wallet (no transfer to it). Thread-safe.
 *
 * <p><b>Addresses.</b> When the manifest's chain is {@code solana} the simulator's addresses and other denoms are
 * already Solana keys and mints ({@link ChainSimulator}) and are used as they are; otherwise every Terra-style
 * address is mapped to a 32-byte public key (base58) derived from it, and every denom to a derived mint.
 *
 * <p><b>Native event denom</b> ({@code lamports} on a Solana manifest, or any denom of another chain's manifest,
 * which stands in for SOL): the event denom moves by system {@code transfer} to the wallet; other denoms are SPL
 * tokens with 6 decimals, {@code transferChecked} between associated token accounts derived from owner and mint.
 *
 * <p><b>SPL event denom</b> (a Solana manifest whose denom is a mint): deposits are SPL transfers into the wallet's
 * token accounts of that mint, {@link #walletTokenAccounts()}: mostly its associated token account, some into a
 * second token account it owns. Per transfer, chosen deterministically from the transaction hash: plain
 * {@code transfer} (no mint, resolved from the token balances) or {@code transferChecked}; some only among the inner
 * instructions of a program the node does not parse ({@link #PAYMENT_PROGRAM}, which pays from the sender's token
 * account by a cross-program call); some after an idempotent create of the wallet's associated token account (which
 * puts the wallet itself among the account keys). Native SOL to the wallet is then another denom (system transfer),
 * and other mints go to the wallet's associated token accounts of those mints. The wallet paying out is an
 * {@code OUTGOING} transfer from its token account signed by the wallet. Token balances name every token account's
 * owner and mint, with {@code uiAmount} as a float (which readers must never use).
 */
public final class SolanaRenderer {

    public static final String SYSTEM_PROGRAM = "11111111111111111111111111111111";
    public static final String TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
    public static final String ASSOCIATED_TOKEN_PROGRAM = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";
    public static final String MEMO_PROGRAM = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";
    public static final String STAKE_PROGRAM = "Stake11111111111111111111111111111111111111";
    /** A program the node does not parse, paying by a cross-program call into the token program (like a multisig). */
    public static final String PAYMENT_PROGRAM = Base58.encode(ChainSimulator.sha256("starfall-sim/solana/program/payments"));
    /** The native denom of a Solana manifest. */
    public static final String LAMPORTS = "lamports";
    static final long START_BALANCE = 1_000_000_000_000_000L;
    static final long FEE = 5_000L;
    private static final int TOKEN_DECIMALS = 6;
    private static final List<String> PROGRAM_ORDER = List.of(SYSTEM_PROGRAM, TOKEN_PROGRAM, ASSOCIATED_TOKEN_PROGRAM,
            PAYMENT_PROGRAM, STAKE_PROGRAM, MEMO_PROGRAM);

    private final String eventDenom;
    private final String wallet;
    private final boolean nativeKeys;
    private final boolean splEvent;
    private final Map<String, String> keys = new ConcurrentHashMap<>();
    private final Map<String, String> signatures = new ConcurrentHashMap<>();

    SolanaRenderer(ChainSimulator simulator) {
        this.eventDenom = simulator.manifest().event().getDenom();
        this.wallet = simulator.wallet();
        this.nativeKeys = simulator.solanaNative();
        this.splEvent = nativeKeys && !LAMPORTS.equals(eventDenom);
    }

    /** Whether the event denom is an SPL mint (deposits are token transfers into {@link #walletTokenAccounts()}). */
    public boolean splEvent() {
        return splEvent;
    }

    /** The public key standing for a simulator address (the address itself on a Solana manifest). */
    public String key(String address) {
        return nativeKeys ? address : keys.computeIfAbsent(address, a -> Base58.encode(sha256("starfall-sim/solana/key/" + a)));
    }

    /** The mint standing for a non-native denom (the denom itself on a Solana manifest). */
    public String mint(String denom) {
        return nativeKeys ? denom : keys.computeIfAbsent("mint:" + denom, a -> Base58.encode(sha256("starfall-sim/solana/mint/" + denom)));
    }

    /** The associated token account of an owner's (simulator address) tokens of {@code mint}. */
    public String tokenAccount(String ownerAddress, String mint) {
        return keys.computeIfAbsent("ata:" + ownerAddress + "/" + mint,
                a -> Base58.encode(sha256("starfall-sim/solana/ata/" + key(ownerAddress) + "/" + mint)));
    }

    /**
     * The wallet's token accounts of the event mint, which a source must watch besides the wallet: its associated
     * token account, then a second account it owns. Empty when the event denom is native.
     */
    public List<String> walletTokenAccounts() {
        return splEvent ? List.of(tokenAccount(wallet, eventDenom), secondTokenAccount()) : List.of();
    }

    private String secondTokenAccount() {
        return keys.computeIfAbsent("second:" + wallet,
                a -> Base58.encode(sha256("starfall-sim/solana/token-account/" + key(wallet) + "/" + eventDenom + "/2")));
    }

    /** The base58 signature of a transaction. */
    public String signature(SimTx tx) {
        return signatures.computeIfAbsent(tx.txHash(), h -> Base58.encode(sha512("starfall-sim/solana/sig/" + h)));
    }

    /** Every account the transaction names (the accounts {@code getSignaturesForAddress} lists it under). */
    public List<String> accountKeys(SimTx tx) {
        return new ArrayList<>(new Layout(tx).accountKeys().keySet());
    }

    private boolean isNative(String denom) {
        return nativeKeys ? LAMPORTS.equals(denom) : denom.equals(eventDenom);
    }

    private static String payer(SimTx tx) {
        Msg first = tx.msgs().get(0);
        return first instanceof Send s ? s.from() : ((Delegate) first).delegator();
    }

    private String stakeAccount(Delegate d) {
        return keys.computeIfAbsent("stake:" + d.delegator(), a -> Base58.encode(sha256("starfall-sim/solana/stake/" + d.delegator())));
    }

    /** The memo as {@code getSignaturesForAddress} prints it ({@code "[len] text"}), or null. */
    public static String signatureMemo(SimTx tx) {
        if (tx.memo().isEmpty()) {
            return null;
        }
        return "[" + tx.memo().getBytes(StandardCharsets.UTF_8).length + "] " + tx.memo();
    }

    /** One element of a {@code getSignaturesForAddress} result. */
    ObjectNode signatureInfo(SimTx tx) {
        ObjectNode node = FcdRenderer.JSON.createObjectNode();
        node.put("blockTime", tx.blockTime().getEpochSecond());
        node.put("confirmationStatus", "finalized");
        if (tx.succeeded()) {
            node.putNull("err");
        } else {
            node.set("err", error(tx));
        }
        String memo = signatureMemo(tx);
        if (memo == null) {
            node.putNull("memo");
        } else {
            node.put("memo", memo);
        }
        node.put("signature", signature(tx));
        node.put("slot", tx.height());
        return node;
    }

    private static ObjectNode error(SimTx tx) {
        ObjectNode err = FcdRenderer.JSON.createObjectNode();
        ArrayNode ie = err.putArray("InstructionError");
        ie.add(0);
        ie.addObject().put("Custom", tx.failure().code());
        return err;
    }

    /** The {@code result} of {@code getTransaction} with {@code jsonParsed}. */
    ObjectNode transaction(SimTx tx) {
        return new Layout(tx).result();
    }

    /** How one SPL transfer is shown, chosen from the transaction hash so that every rendering agrees. */
    private record TokenForm(String destination, boolean checked, boolean inner, boolean createAta) {
    }

    private TokenForm tokenForm(SimTx tx, Send s, int msgIndex, int coinIndex, String mint) {
        String destination = tokenAccount(s.to(), mint);
        if (!splEvent || !s.to().equals(wallet)) {
            return new TokenForm(destination, true, false, false);
        }
        int v = Byte.toUnsignedInt(sha256("starfall-sim/solana/form/" + tx.txHash() + "/" + msgIndex + "/" + coinIndex)[0]);
        boolean second = mint.equals(eventDenom) && v % 5 == 0;
        boolean inner = v % 4 == 1;
        return new TokenForm(second ? secondTokenAccount() : destination, (v & 0x20) != 0, inner, !second && !inner && v % 3 == 2);
    }

    /** A token account's holder and mint, and an amount moved from one to another. */
    private record TokenMove(String source, String sourceOwner, String destination, String destinationOwner, String mint,
                             BigInteger amount) {
    }

    /** One transaction laid out: account keys (with signer and writable flags), instructions, balance changes. */
    private final class Layout {
        private final SimTx tx;
        private final Map<String, boolean[]> accounts = new LinkedHashMap<>();
        private final Set<String> programs = new LinkedHashSet<>();
        private final ArrayNode instructions = FcdRenderer.JSON.createArrayNode();
        private final ArrayNode inner = FcdRenderer.JSON.createArrayNode();
        private final Map<String, Long> lamportDelta = new HashMap<>();
        private final List<TokenMove> tokenMoves = new ArrayList<>();

        Layout(SimTx tx) {
            this.tx = tx;
            account(key(payer(tx)), true, true);
            programs.add(SYSTEM_PROGRAM);
            for (int i = 0; i < tx.msgs().size(); i++) {
                Msg m = tx.msgs().get(i);
                if (m instanceof Send s) {
                    account(key(s.from()), true, true);
                    for (int j = 0; j < s.coins().size(); j++) {
                        Coin c = s.coins().get(j);
                        if (isNative(c.denom())) {
                            nativeTransfer(s, c.amount());
                        } else {
                            tokenTransfer(s, c.amount(), mint(c.denom()), tokenForm(tx, s, i, j, mint(c.denom())));
                        }
                    }
                } else if (m instanceof Delegate d) {
                    delegate(d);
                }
            }
            if (!tx.memo().isEmpty()) {
                ObjectNode ix = instructions.addObject();
                ix.put("parsed", tx.memo());
                ix.put("program", "spl-memo");
                ix.put("programId", MEMO_PROGRAM);
                programs.add(MEMO_PROGRAM);
            }
            lamportDelta.merge(key(payer(tx)), -FEE, Long::sum);
        }

        private void account(String key, boolean signer, boolean writable) {
            accounts.putIfAbsent(key, new boolean[] {signer, writable});
        }

        /** Accounts in order of appearance, then the programs used. */
        Map<String, boolean[]> accountKeys() {
            Map<String, boolean[]> out = new LinkedHashMap<>(accounts);
            for (String program : PROGRAM_ORDER) {
                if (programs.contains(program)) {
                    out.putIfAbsent(program, new boolean[] {false, false});
                }
            }
            return out;
        }

        private void nativeTransfer(Send s, BigInteger amount) {
            account(key(s.to()), false, true);
            ObjectNode ix = instructions.addObject();
            ObjectNode parsed = ix.putObject("parsed");
            ObjectNode info = parsed.putObject("info");
            info.put("destination", key(s.to()));
            info.put("lamports", amount.longValueExact());
            info.put("source", key(s.from()));
            parsed.put("type", "transfer");
            ix.put("program", "system");
            ix.put("programId", SYSTEM_PROGRAM);
            if (tx.succeeded()) {
                lamportDelta.merge(key(s.from()), -amount.longValueExact(), Long::sum);
                lamportDelta.merge(key(s.to()), amount.longValueExact(), Long::sum);
            }
        }

        private void tokenTransfer(Send s, BigInteger amount, String mint, TokenForm form) {
            String source = tokenAccount(s.from(), mint);
            String authority = key(s.from());
            account(source, false, true);
            account(form.destination(), false, true);
            account(mint, false, false);
            programs.add(TOKEN_PROGRAM);
            ObjectNode ix = FcdRenderer.JSON.createObjectNode();
            ObjectNode parsed = ix.putObject("parsed");
            ObjectNode info = parsed.putObject("info");
            if (form.checked()) {
                info.put("authority", authority);
                info.put("destination", form.destination());
                info.put("mint", mint);
                info.put("source", source);
                uiAmount(info.putObject("tokenAmount"), amount);
                parsed.put("type", "transferChecked");
            } else {
                info.put("amount", amount.toString());
                info.put("authority", authority);
                info.put("destination", form.destination());
                info.put("source", source);
                parsed.put("type", "transfer");
            }
            ix.put("program", "spl-token");
            ix.put("programId", TOKEN_PROGRAM);
            if (form.inner()) {
                ObjectNode outer = instructions.addObject();
                outer.putArray("accounts").add(authority).add(source).add(form.destination()).add(mint).add(TOKEN_PROGRAM);
                outer.put("data", Base58.encode(sha256("starfall-sim/solana/pay/" + tx.txHash() + "/" + instructions.size())));
                outer.put("programId", PAYMENT_PROGRAM);
                programs.add(PAYMENT_PROGRAM);
                ix.put("stackHeight", 2);
                ObjectNode group = inner.addObject();
                group.put("index", instructions.size() - 1);
                group.putArray("instructions").add(ix);
            } else {
                if (form.createAta()) {
                    account(key(s.to()), false, false);
                    ObjectNode create = instructions.addObject();
                    ObjectNode createParsed = create.putObject("parsed");
                    createParsed.putObject("info")
                            .put("account", form.destination())
                            .put("mint", mint)
                            .put("source", key(payer(tx)))
                            .put("systemProgram", SYSTEM_PROGRAM)
                            .put("tokenProgram", TOKEN_PROGRAM)
                            .put("wallet", key(s.to()));
                    createParsed.put("type", "createIdempotent");
                    create.put("program", "spl-associated-token-account");
                    create.put("programId", ASSOCIATED_TOKEN_PROGRAM);
                    programs.add(ASSOCIATED_TOKEN_PROGRAM);
                }
                instructions.add(ix);
            }
            tokenMoves.add(new TokenMove(source, authority, form.destination(), key(s.to()), mint, amount));
        }

        private void delegate(Delegate d) {
            account(key(d.delegator()), true, true);
            account(stakeAccount(d), false, true);
            account(key(d.validator()), false, false);
            programs.add(STAKE_PROGRAM);
            ObjectNode ix = instructions.addObject();
            ObjectNode parsed = ix.putObject("parsed");
            ObjectNode info = parsed.putObject("info");
            info.put("stakeAccount", stakeAccount(d));
            info.put("stakeAuthority", key(d.delegator()));
            info.put("voteAccount", key(d.validator()));
            parsed.put("type", "delegate");
            ix.put("program", "stake");
            ix.put("programId", STAKE_PROGRAM);
        }

        ObjectNode result() {
            Map<String, boolean[]> layout = accountKeys();
            List<String> keyList = new ArrayList<>(layout.keySet());
            ObjectNode result = FcdRenderer.JSON.createObjectNode();
            result.put("blockTime", tx.blockTime().getEpochSecond());
            ObjectNode meta = result.putObject("meta");
            if (tx.succeeded()) {
                meta.putNull("err");
            } else {
                meta.set("err", error(tx));
            }
            meta.put("fee", FEE);
            meta.set("innerInstructions", inner);
            logs(meta.putArray("logMessages"));
            ArrayNode pre = meta.putArray("preBalances");
            ArrayNode post = meta.putArray("postBalances");
            for (String k : keyList) {
                long start = PROGRAM_ORDER.contains(k) ? 1 : START_BALANCE;
                pre.add(start);
                post.add(start + lamportDelta.getOrDefault(k, 0L));
            }
            tokenBalances(meta.putArray("preTokenBalances"), meta.putArray("postTokenBalances"), keyList);
            meta.putArray("rewards");
            if (tx.succeeded()) {
                meta.putObject("status").putNull("Ok");
            } else {
                meta.putObject("status").set("Err", error(tx));
            }
            result.put("slot", tx.height());
            ObjectNode transaction = result.putObject("transaction");
            ObjectNode message = transaction.putObject("message");
            ArrayNode accountKeys = message.putArray("accountKeys");
            layout.forEach((k, flags) -> accountKeys.addObject().put("pubkey", k).put("signer", flags[0]).put("source", "transaction")
                    .put("writable", flags[1]));
            message.putNull("addressTableLookups");
            message.set("instructions", instructions);
            message.put("recentBlockhash", Base58.encode(sha256("starfall-sim/solana/blockhash/" + tx.height())));
            transaction.putArray("signatures").add(signature(tx));
            result.put("version", "legacy");
            return result;
        }

        private void logs(ArrayNode logs) {
            for (int i = 0; i < instructions.size(); i++) {
                String program = instructions.get(i).get("programId").asText();
                logs.add("Program " + program + " invoke [1]");
                for (int g = 0; g < inner.size(); g++) {
                    if (inner.get(g).get("index").asInt() == i) {
                        logs.add("Program " + TOKEN_PROGRAM + " invoke [2]");
                        logs.add("Program " + TOKEN_PROGRAM + " success");
                    }
                }
                logs.add("Program " + program + (tx.succeeded() ? " success" : " failed: custom program error: 0x" + tx.failure().code()));
            }
        }

        private void tokenBalances(ArrayNode preToken, ArrayNode postToken, List<String> keyList) {
            Map<String, BigInteger> before = new LinkedHashMap<>();
            Map<String, BigInteger> after = new LinkedHashMap<>();
            Map<String, String[]> ownerAndMint = new HashMap<>();
            BigInteger start = BigInteger.valueOf(START_BALANCE);
            for (TokenMove mv : tokenMoves) {
                ownerAndMint.put(mv.source(), new String[] {mv.sourceOwner(), mv.mint()});
                ownerAndMint.put(mv.destination(), new String[] {mv.destinationOwner(), mv.mint()});
                for (String account : List.of(mv.source(), mv.destination())) {
                    before.putIfAbsent(account, start);
                    after.putIfAbsent(account, start);
                }
                if (tx.succeeded()) {
                    after.merge(mv.source(), mv.amount().negate(), BigInteger::add);
                    after.merge(mv.destination(), mv.amount(), BigInteger::add);
                }
            }
            for (String account : before.keySet()) {
                String[] om = ownerAndMint.get(account);
                tokenBalance(preToken, keyList.indexOf(account), om, before.get(account));
                tokenBalance(postToken, keyList.indexOf(account), om, after.get(account));
            }
        }
    }

    private static void tokenBalance(ArrayNode array, int accountIndex, String[] ownerMint, BigInteger amount) {
        ObjectNode b = array.addObject();
        b.put("accountIndex", accountIndex);
        b.put("mint", ownerMint[1]);
        b.put("owner", ownerMint[0]);
        b.put("programId", TOKEN_PROGRAM);
        uiAmount(b.putObject("uiTokenAmount"), amount);
    }

    /** {@code {amount, decimals, uiAmount, uiAmountString}} as nodes print token amounts; {@code uiAmount} is a float on purpose. */
    private static void uiAmount(ObjectNode node, BigInteger amount) {
        node.put("amount", amount.toString());
        node.put("decimals", TOKEN_DECIMALS);
        node.put("uiAmount", amount.doubleValue() / 1_000_000.0);
        node.put("uiAmountString", new BigDecimal(amount, TOKEN_DECIMALS).stripTrailingZeros().toPlainString());
    }

    /** Block time of a slot (slots are the simulator's block heights). */
    static Instant blockTimeOf(SimTx anchor, long slot) {
        return anchor.blockTime().plus(ChainSimulator.BLOCK_INTERVAL.multipliedBy(slot - anchor.height()));
    }

    private static byte[] sha256(String text) {
        return ChainSimulator.sha256(text);
    }

    private static byte[] sha512(String text) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-512").digest(text.getBytes(StandardCharsets.UTF_8)), 64);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 missing from this JVM", e);
        }
    }
}
