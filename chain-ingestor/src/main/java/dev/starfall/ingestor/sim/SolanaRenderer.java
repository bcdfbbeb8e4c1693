package dev.starfall.ingestor.sim;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starfall.ingestor.sim.SimTx.Delegate;
import dev.starfall.ingestor.sim.SimTx.Msg;
import dev.starfall.ingestor.sim.SimTx.Send;
import dev.starfall.ingestor.source.Coin;

/**
 * The simulator's history as Solana shows it (JSON-RPC, {@code jsonParsed}). Every Terra-style
 * address is mapped to a 32-byte public key (base58) derived from it; the event denom becomes
 * lamports (system {@code transfer}), other denoms SPL tokens with 6 decimals (a mint per denom,
 * {@code transferChecked} between associated token accounts derived from owner and mint). A
 * staking reward becomes a stake-program {@code delegate} naming the wallet (no transfer to it).
 * Failed transactions carry {@code meta.err}. Slots are the block heights; block times the same.
 * Thread-safe.
 */
public final class SolanaRenderer {

    public static final String SYSTEM_PROGRAM = "11111111111111111111111111111111";
    public static final String TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
    public static final String MEMO_PROGRAM = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";
    public static final String STAKE_PROGRAM = "Stake11111111111111111111111111111111111111";
    static final long START_BALANCE = 1_000_000_000_000_000L;
    static final long FEE = 5_000L;

    private final ChainSimulator simulator;
    private final String eventDenom;
    private final Map<String, String> keys = new ConcurrentHashMap<>();
    private final Map<String, String> signatures = new ConcurrentHashMap<>();

    SolanaRenderer(ChainSimulator simulator) {
        this.simulator = simulator;
        this.eventDenom = simulator.manifest().event().getDenom();
    }

    /** The public key standing for a simulator address. */
    public String key(String address) {
        return keys.computeIfAbsent(address, a -> Base58.encode(sha256("starfall-sim/solana/key/" + a)));
    }

    /** The mint standing for a non-event denom. */
    public String mint(String denom) {
        return keys.computeIfAbsent("mint:" + denom, a -> Base58.encode(sha256("starfall-sim/solana/mint/" + denom)));
    }

    /** The associated token account of an owner's (simulator address) tokens of {@code mint}. */
    public String tokenAccount(String ownerAddress, String mint) {
        return keys.computeIfAbsent("ata:" + ownerAddress + "/" + mint,
                a -> Base58.encode(sha256("starfall-sim/solana/ata/" + key(ownerAddress) + "/" + mint)));
    }

    /** The base58 signature of a transaction. */
    public String signature(SimTx tx) {
        return signatures.computeIfAbsent(tx.txHash(), h -> Base58.encode(sha512("starfall-sim/solana/sig/" + h)));
    }

    /** Every account the transaction names (the accounts {@code getSignaturesForAddress} lists it under). */
    public List<String> accountKeys(SimTx tx) {
        return new ArrayList<>(layout(tx).keySet());
    }

    /** Account keys in order with (signer, writable). */
    private Map<String, boolean[]> layout(SimTx tx) {
        Map<String, boolean[]> out = new LinkedHashMap<>();
        String payer = payer(tx);
        out.put(key(payer), new boolean[] {true, true});
        for (Msg m : tx.msgs()) {
            if (m instanceof Send s) {
                out.putIfAbsent(key(s.from()), new boolean[] {true, true});
                for (Coin c : s.coins()) {
                    if (c.denom().equals(eventDenom)) {
                        out.putIfAbsent(key(s.to()), new boolean[] {false, true});
                    } else {
                        String mint = mint(c.denom());
                        out.putIfAbsent(tokenAccount(s.from(), mint), new boolean[] {false, true});
                        out.putIfAbsent(tokenAccount(s.to(), mint), new boolean[] {false, true});
                        out.putIfAbsent(mint, new boolean[] {false, false});
                    }
                }
            } else if (m instanceof Delegate d) {
                out.putIfAbsent(key(d.delegator()), new boolean[] {true, true});
                out.putIfAbsent(stakeAccount(d), new boolean[] {false, true});
                out.putIfAbsent(key(d.validator()), new boolean[] {false, false});
            }
        }
        out.putIfAbsent(SYSTEM_PROGRAM, new boolean[] {false, false});
        if (tx.msgs().stream().anyMatch(m -> m instanceof Send s && s.coins().stream().anyMatch(c -> !c.denom().equals(eventDenom)))) {
            out.putIfAbsent(TOKEN_PROGRAM, new boolean[] {false, false});
        }
        if (tx.msgs().stream().anyMatch(m -> m instanceof Delegate)) {
            out.putIfAbsent(STAKE_PROGRAM, new boolean[] {false, false});
        }
        if (!tx.memo().isEmpty()) {
            out.putIfAbsent(MEMO_PROGRAM, new boolean[] {false, false});
        }
        return out;
    }

    private String stakeAccount(Delegate d) {
        return keys.computeIfAbsent("stake:" + d.delegator(), a -> Base58.encode(sha256("starfall-sim/solana/stake/" + d.delegator())));
    }

    private static String payer(SimTx tx) {
        Msg first = tx.msgs().get(0);
        return first instanceof Send s ? s.from() : ((Delegate) first).delegator();
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
        Map<String, boolean[]> layout = layout(tx);
        List<String> keyList = new ArrayList<>(layout.keySet());
        Map<String, Long> lamportDelta = new HashMap<>();
        List<TokenMove> tokenMoves = new ArrayList<>();
        ArrayNode instructions = FcdRenderer.JSON.createArrayNode();
        for (Msg m : tx.msgs()) {
            if (m instanceof Send s) {
                for (Coin c : s.coins()) {
                    if (c.denom().equals(eventDenom)) {
                        ObjectNode ix = instructions.addObject();
                        ObjectNode parsed = ix.putObject("parsed");
                        ObjectNode info = parsed.putObject("info");
                        info.put("destination", key(s.to()));
                        info.put("lamports", c.amount().longValueExact());
                        info.put("source", key(s.from()));
                        parsed.put("type", "transfer");
                        ix.put("program", "system");
                        ix.put("programId", SYSTEM_PROGRAM);
                        if (tx.succeeded()) {
                            lamportDelta.merge(key(s.from()), -c.amount().longValueExact(), Long::sum);
                            lamportDelta.merge(key(s.to()), c.amount().longValueExact(), Long::sum);
                        }
                    } else {
                        String mint = mint(c.denom());
                        ObjectNode ix = instructions.addObject();
                        ObjectNode parsed = ix.putObject("parsed");
                        ObjectNode info = parsed.putObject("info");
                        info.put("authority", key(s.from()));
                        info.put("destination", tokenAccount(s.to(), mint));
                        info.put("mint", mint);
                        info.put("source", tokenAccount(s.from(), mint));
                        ObjectNode amount = info.putObject("tokenAmount");
                        amount.put("amount", c.amount().toString());
                        amount.put("decimals", 6);
                        amount.put("uiAmount", c.amount().doubleValue() / 1_000_000.0);
                        amount.put("uiAmountString", new java.math.BigDecimal(c.amount(), 6).stripTrailingZeros().toPlainString());
                        parsed.put("type", "transferChecked");
                        ix.put("program", "spl-token");
                        ix.put("programId", TOKEN_PROGRAM);
                        tokenMoves.add(new TokenMove(s.from(), s.to(), mint, c.amount()));
                    }
                }
            } else if (m instanceof Delegate d) {
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
        }
        if (!tx.memo().isEmpty()) {
            ObjectNode ix = instructions.addObject();
            ix.put("parsed", tx.memo());
            ix.put("program", "spl-memo");
            ix.put("programId", MEMO_PROGRAM);
        }
        String payer = key(payer(tx));
        lamportDelta.merge(payer, -FEE, Long::sum);

        ObjectNode result = FcdRenderer.JSON.createObjectNode();
        result.put("blockTime", tx.blockTime().getEpochSecond());
        ObjectNode meta = result.putObject("meta");
        if (tx.succeeded()) {
            meta.putNull("err");
        } else {
            meta.set("err", error(tx));
        }
        meta.put("fee", FEE);
        meta.putArray("innerInstructions");
        ArrayNode logs = meta.putArray("logMessages");
        for (int i = 0; i < instructions.size(); i++) {
            String program = instructions.get(i).get("programId").asText();
            logs.add("Program " + program + " invoke [1]");
            logs.add("Program " + program + (tx.succeeded() ? " success" : " failed: custom program error: 0x" + tx.failure().code()));
        }
        ArrayNode pre = meta.putArray("preBalances");
        ArrayNode post = meta.putArray("postBalances");
        for (String k : keyList) {
            long start = k.equals(SYSTEM_PROGRAM) || k.equals(TOKEN_PROGRAM) || k.equals(MEMO_PROGRAM) || k.equals(STAKE_PROGRAM)
                    ? 1 : START_BALANCE;
            pre.add(start);
            post.add(start + lamportDelta.getOrDefault(k, 0L));
        }
        ArrayNode preToken = meta.putArray("preTokenBalances");
        ArrayNode postToken = meta.putArray("postTokenBalances");
        Map<String, BigInteger> tokenBefore = new LinkedHashMap<>();
        Map<String, BigInteger> tokenAfter = new LinkedHashMap<>();
        Map<String, String[]> tokenOwner = new HashMap<>();
        for (TokenMove mv : tokenMoves) {
            String from = tokenAccount(mv.from(), mv.mint());
            String to = tokenAccount(mv.to(), mv.mint());
            tokenOwner.put(from, new String[] {key(mv.from()), mv.mint()});
            tokenOwner.put(to, new String[] {key(mv.to()), mv.mint()});
            BigInteger big = BigInteger.valueOf(START_BALANCE);
            tokenBefore.putIfAbsent(from, big);
            tokenBefore.putIfAbsent(to, big);
            tokenAfter.putIfAbsent(from, big);
            tokenAfter.putIfAbsent(to, big);
            if (tx.succeeded()) {
                tokenAfter.merge(from, mv.amount().negate(), BigInteger::add);
                tokenAfter.merge(to, mv.amount(), BigInteger::add);
            }
        }
        for (String account : tokenBefore.keySet()) {
            String[] ownerMint = tokenOwner.get(account);
            tokenBalance(preToken, keyList.indexOf(account), ownerMint, tokenBefore.get(account));
            tokenBalance(postToken, keyList.indexOf(account), ownerMint, tokenAfter.get(account));
        }
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

    private static void tokenBalance(ArrayNode array, int accountIndex, String[] ownerMint, BigInteger amount) {
        ObjectNode b = array.addObject();
        b.put("accountIndex", accountIndex);
        b.put("mint", ownerMint[1]);
        b.put("owner", ownerMint[0]);
        b.put("programId", TOKEN_PROGRAM);
        ObjectNode ui = b.putObject("uiTokenAmount");
        ui.put("amount", amount.toString());
        ui.put("decimals", 6);
        ui.put("uiAmount", amount.doubleValue() / 1_000_000.0);
        ui.put("uiAmountString", new java.math.BigDecimal(amount, 6).stripTrailingZeros().toPlainString());
    }

    private record TokenMove(String from, String to, String mint, BigInteger amount) {
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
