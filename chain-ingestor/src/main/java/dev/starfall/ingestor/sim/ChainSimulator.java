package dev.starfall.ingestor.sim;

import dev.starfall.schemas.Bech32;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starfall.ingestor.sim.SimTx.Delegate;
import dev.starfall.ingestor.sim.SimTx.Failure;
import dev.starfall.ingestor.sim.SimTx.Kind;
import dev.starfall.ingestor.sim.SimTx.Msg;
import dev.starfall.ingestor.sim.SimTx.Send;
import dev.starfall.ingestor.source.Coin;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ShowerSchedule;

/**
 * A deterministic, Terra-like transaction history of a whole event, by seed.
 *
 * <p>Wallets are bech32 {@code terra1...} addresses with a real checksum, derived from the seed; on
 * a manifest whose chain is {@code solana} they are base58 public keys of 32 bytes instead, and the
 * other denoms are {@code lamports} and SPL mints (see {@link SolanaRenderer} for how that history
 * is shown over JSON-RPC).
 * Senders are skewed (a few wallets send often), repeat within and across showers, and send
 * heavy-tailed (Pareto) amounts in integer minor units; activity bursts in the minutes before each
 * close. Mixed in: dust below the minimum, other denoms, multi-denom sends, failed transactions,
 * multi-message transactions, staking reward withdrawals to the wallet, outgoing payments and
 * sends before the open or after the last close. Blocks are 6 s apart; row ids grow with time.
 *
 * <p>{@link #groundTruth()} is computed from this model (not from the JSON it serves): per shower,
 * per sender, the sum of successful {@code bank/MsgSend} amounts of the event denom to the wallet.
 *
 * <p>Live mode ({@link Config#withLive}) reveals transactions progressively by the injected clock:
 * an initial share at construction, then a number per second. By default everything is visible.
 * Thread-safe after construction.
 */
public final class ChainSimulator {

    /** Block interval of the simulated chain. */
    public static final Duration BLOCK_INTERVAL = Duration.ofSeconds(6);
    /** Distribution module account of Terra, which pays staking rewards. */
    public static final String DISTRIBUTION_MODULE = "terra1jv65s3grqf6v6jl3dp4t6c9t9rk99cd8pm7utl";

    private static final long FIRST_HEIGHT = 5_100_000L;
    private static final long FIRST_ROW_ID = 180_000_000L;
    private static final double PARETO_ALPHA = 1.16;
    private static final long MAX_FACTOR_MILLI = 2_500_000L;
    private static final String[] OTHER_DENOMS = {"uluna", "ukrw", "umnt", "usdr", "uusd"};
    private static final String SOLANA = "solana";

    /**
     * Shares of each kind of transaction (they need not add up to one; the rest is plain sends).
     */
    public record Mix(double dust, double otherDenom, double multiDenom, double failed, double multiMessage, double stakingReward,
                      double outgoing, double outsideEvent) {
        public static final Mix DEFAULT = new Mix(0.04, 0.03, 0.02, 0.04, 0.04, 0.02, 0.02, 0.03);

        public Mix {
            double sum = dust + otherDenom + multiDenom + failed + multiMessage + stakingReward + outgoing + outsideEvent;
            if (dust < 0 || otherDenom < 0 || multiDenom < 0 || failed < 0 || multiMessage < 0 || stakingReward < 0
                    || outgoing < 0 || outsideEvent < 0 || sum > 1.0) {
                throw new IllegalArgumentException("shares must be non-negative and add up to at most 1: " + this);
            }
        }
    }

    /**
     * How to simulate.
     *
     * @param seed                everything derives from it
     * @param wallets             distinct sender wallets to draw from
     * @param transactions        transactions to generate
     * @param mix                 shares of each kind
     * @param burstShare          share of in-shower sends placed in the last two minutes before a close
     * @param repeatShare         share of sends by a wallet that already sent in the same shower
     * @param initialVisibleShare live mode: share visible at construction (1 = everything)
     * @param revealPerSecond     live mode: transactions revealed per second of the clock afterwards
     */
    public record Config(long seed, int wallets, int transactions, Mix mix, double burstShare, double repeatShare,
                         double initialVisibleShare, double revealPerSecond) {

        public Config {
            Objects.requireNonNull(mix, "mix");
            if (wallets < 1 || transactions < 1) {
                throw new IllegalArgumentException("wallets and transactions must be positive");
            }
            if (burstShare < 0 || burstShare > 1 || repeatShare < 0 || repeatShare > 1
                    || initialVisibleShare < 0 || initialVisibleShare > 1 || revealPerSecond < 0) {
                throw new IllegalArgumentException("shares must be in [0, 1] and the reveal rate non-negative: " + this);
            }
        }

        /** 400 wallets, 3,000 transactions, everything visible. */
        public static Config defaults(long seed) {
            return new Config(seed, 400, 3_000, Mix.DEFAULT, 0.4, 0.3, 1.0, 0.0);
        }

        public Config withWallets(int n) {
            return new Config(seed, n, transactions, mix, burstShare, repeatShare, initialVisibleShare, revealPerSecond);
        }

        public Config withTransactions(int n) {
            return new Config(seed, wallets, n, mix, burstShare, repeatShare, initialVisibleShare, revealPerSecond);
        }

        public Config withMix(Mix m) {
            return new Config(seed, wallets, transactions, m, burstShare, repeatShare, initialVisibleShare, revealPerSecond);
        }

        /** Live mode: {@code initialShare} visible at once, then {@code perSecond} more per second of the clock. */
        public Config withLive(double initialShare, double perSecond) {
            return new Config(seed, wallets, transactions, mix, burstShare, repeatShare, initialShare, perSecond);
        }
    }

    private final Manifest manifest;
    private final Config config;
    private final Clock clock;
    private final Instant liveSince;
    private final String wallet;
    private final String denom;
    private final boolean solanaNative;
    private final String[] otherDenoms;
    private final List<String> wallets;
    private final List<SimTx> txs;

    /** Generates the history; everything is visible unless {@code config} asks for live mode. */
    public ChainSimulator(Manifest manifest, Config config, Clock clock) {
        this.manifest = Objects.requireNonNull(manifest, "manifest");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.liveSince = clock.instant();
        this.wallet = manifest.event().getDestinationWallet();
        this.denom = manifest.event().getDenom();
        this.solanaNative = SOLANA.equals(manifest.event().getChain());
        this.otherDenoms = solanaNative ? solanaOtherDenoms() : OTHER_DENOMS;
        this.wallets = deriveAddresses("terra", "wallet", config.wallets());
        this.txs = new Generator().generate();
    }

    public ChainSimulator(Manifest manifest, Config config) {
        this(manifest, config, Clock.systemUTC());
    }

    public Manifest manifest() {
        return manifest;
    }

    public Config config() {
        return config;
    }

    /** The destination wallet. */
    public String wallet() {
        return wallet;
    }

    /** Whether addresses and denoms are Solana keys and mints (the manifest's chain is {@code solana}). */
    boolean solanaNative() {
        return solanaNative;
    }

    /** Chain id stamped on served transactions. */
    public String chainId() {
        return manifest.event().getChainId();
    }

    /** The sender wallets the history draws from. */
    public List<String> wallets() {
        return wallets;
    }

    /** Every generated transaction, oldest first (including those not visible yet). */
    public List<SimTx> transactions() {
        return txs;
    }

    /** How many transactions (a prefix of {@link #transactions()}) are visible now. */
    public int visibleCount() {
        if (config.initialVisibleShare() >= 1.0) {
            return txs.size();
        }
        long initial = (long) Math.floor(txs.size() * config.initialVisibleShare());
        long elapsedMillis = Math.max(0, Duration.between(liveSince, clock.instant()).toMillis());
        long revealed = (long) Math.floor(elapsedMillis / 1000.0 * config.revealPerSecond());
        return (int) Math.min(txs.size(), initial + revealed);
    }

    /** The visible prefix of {@link #transactions()}. */
    public List<SimTx> visibleTransactions() {
        return txs.subList(0, visibleCount());
    }

    /** Ground truth over every transaction: shower (1-based) -> sender -> sum of counted amounts. */
    public Map<Integer, Map<String, BigInteger>> groundTruth() {
        return groundTruth(txs.size());
    }

    /** Ground truth over the first {@code count} transactions. */
    public Map<Integer, Map<String, BigInteger>> groundTruth(int count) {
        ShowerSchedule schedule = manifest.schedule();
        Map<Integer, Map<String, BigInteger>> truth = new TreeMap<>();
        for (SimTx tx : txs.subList(0, count)) {
            OptionalInt shower = schedule.showerOf(tx.blockTime());
            if (!tx.succeeded() || shower.isEmpty()) {
                continue;
            }
            for (Msg m : tx.msgs()) {
                if (m instanceof Send s && s.to().equals(wallet) && !s.from().equals(wallet)) {
                    for (Coin c : s.coins()) {
                        if (c.denom().equals(denom)) {
                            truth.computeIfAbsent(shower.getAsInt(), k -> new TreeMap<>()).merge(s.from(), c.amount(), BigInteger::add);
                        }
                    }
                }
            }
        }
        return truth;
    }

    /**
     * The chain head as the simulator's API shows it: the newest block the visible history is
     * complete up to. With everything visible, the block of the newest transaction; in live mode the
     * block before the first transaction not yet revealed (chain time here is the history's, not
     * the clock's, so that "everything before the head is visible" holds), never before the newest
     * visible transaction's block unless that block is only partly revealed.
     *
     * @param height block height
     * @param time   block time
     */
    public record Head(long height, Instant time) {
    }

    /** See {@link Head}. */
    public Head head() {
        int visible = visibleCount();
        if (visible >= txs.size()) {
            SimTx last = txs.get(txs.size() - 1);
            return new Head(last.height(), last.blockTime());
        }
        SimTx next = txs.get(visible);
        return new Head(next.height() - 1, next.blockTime().minus(BLOCK_INTERVAL));
    }

    /**
     * Writes the ground truth over every transaction as JSON: {@code wallet}, {@code denom},
     * {@code showers} (shower number -> sender -> sum as a decimal string) and {@code wallets}
     * (sender -> sum over all showers). Sums are integer minor units.
     */
    public void writeGroundTruth(Path file) throws IOException {
        ObjectMapper json = JsonMapper.builder().build();
        ObjectNode root = json.createObjectNode();
        root.put("wallet", wallet);
        root.put("denom", denom);
        root.put("transactions", txs.size());
        ObjectNode showers = root.putObject("showers");
        Map<String, BigInteger> perWallet = new TreeMap<>();
        groundTruth().forEach((shower, senders) -> {
            ObjectNode node = showers.putObject(Integer.toString(shower));
            senders.forEach((sender, sum) -> {
                node.put(sender, sum.toString());
                perWallet.merge(sender, sum, BigInteger::add);
            });
        });
        ObjectNode wallets = root.putObject("wallets");
        perWallet.forEach((sender, sum) -> wallets.put(sender, sum.toString()));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(root), StandardCharsets.UTF_8);
    }

    /** Events the ingestor should publish for the first {@code count} transactions, by the model. */
    public record Expected(long observed, long rejected) {
    }

    public Expected expected(int count) {
        long observed = 0;
        long rejected = 0;
        for (SimTx tx : txs.subList(0, count)) {
            long txRejected = 0;
            for (Msg m : tx.msgs()) {
                if (m instanceof Send s) {
                    boolean touches = s.to().equals(wallet) || s.from().equals(wallet);
                    for (Coin c : s.coins()) {
                        if (!touches) {
                            continue;
                        }
                        if (tx.succeeded() && s.to().equals(wallet) && !s.from().equals(wallet) && c.denom().equals(denom)) {
                            observed++;
                        } else {
                            txRejected++;
                        }
                    }
                } else if (m instanceof Delegate d) {
                    txRejected += tx.succeeded() ? d.rewards().size() : 1;
                }
            }
            rejected += txRejected == 0 && !tx.succeeded() ? 1 : txRejected;
        }
        return new Expected(observed, rejected);
    }

    /** Builds the history; one instance per simulator. */
    private final class Generator {
        private final SplittableRandom rng = new SplittableRandom(config.seed());
        private final ShowerSchedule schedule = manifest.schedule();
        private final List<String> elsewhere = deriveAddresses("terra", "elsewhere", 25);
        private final List<String> validators = deriveAddresses("terravaloper", "validator", 5);
        private final String rewardsFrom = solanaNative ? deriveAddresses("terra", "distribution", 1).get(0) : DISTRIBUTION_MODULE;
        private final Map<Integer, List<String>> sendersByShower = new HashMap<>();
        private final BigInteger base = manifest.minimumContribution().signum() > 0
                ? manifest.minimumContribution() : BigInteger.TEN.pow(Math.max(0, manifest.event().getDecimals()));
        private final String hashPrefix = "starfall-sim/" + config.seed() + "/tx/";
        private final long[] showerWeights;
        private final long totalWeight;

        Generator() {
            // shower 1 collects the ~24 h before the first close; later ones an hour each: weight by
            // the square root of the duration so the long first shower is busier but not 24 times.
            showerWeights = new long[schedule.showerCount()];
            long sum = 0;
            for (int k = 1; k <= schedule.showerCount(); k++) {
                long minutes = Math.max(1, Duration.between(schedule.startOf(k), schedule.closeOf(k)).toMinutes());
                showerWeights[k - 1] = Math.max(1, (long) Math.sqrt(minutes * 60.0));
                sum += showerWeights[k - 1];
            }
            totalWeight = sum;
        }

        List<SimTx> generate() {
            // planned straight into the compact transactions, then ordered and placed: no second copy of the chain
            List<SimTx> out = new ArrayList<>(config.transactions());
            for (int n = 0; n < config.transactions(); n++) {
                out.add(plan(n));
            }
            out.sort(Comparator.comparingLong(SimTx::timeMillis).thenComparingInt(SimTx::sequence));
            Instant genesis = schedule.opensAt().minus(Duration.ofDays(2));
            long interval = BLOCK_INTERVAL.toMillis();
            long rowId = FIRST_ROW_ID;
            for (SimTx tx : out) {
                long sinceGenesis = tx.timeMillis() - genesis.toEpochMilli();
                long blocks = Math.floorDiv(sinceGenesis + interval - 1, interval);
                long height = FIRST_HEIGHT + blocks;
                rowId += 1 + rng.nextInt(2_000);
                tx.place(rowId, height, genesis.toEpochMilli() + blocks * interval);
            }
            return Collections.unmodifiableList(out);
        }

        private SimTx plan(int n) {
            Kind kind = pickKind();
            int shower = kind == Kind.OUTSIDE_EVENT ? 0 : pickShower();
            Instant time = kind == Kind.OUTSIDE_EVENT ? outsideTime() : timeIn(shower);
            String sender = pickSender(shower);
            List<Msg> msgs = new ArrayList<>();
            Failure failure = null;
            switch (kind) {
                case SEND, OUTSIDE_EVENT -> msgs.add(new Send(sender, wallet, List.of(new Coin(contribution(), denom))));
                case DUST -> msgs.add(new Send(sender, wallet, List.of(new Coin(dust(), denom))));
                case OTHER_DENOM -> msgs.add(new Send(sender, wallet, List.of(new Coin(contribution(), otherDenom()))));
                case MULTI_DENOM -> msgs.add(new Send(sender, wallet, sorted(List.of(new Coin(contribution(), denom),
                        new Coin(contribution(), otherDenom())))));
                case FAILED -> {
                    BigInteger amount = contribution();
                    msgs.add(new Send(sender, wallet, List.of(new Coin(amount, denom))));
                    failure = failure(amount);
                }
                case MULTI_MESSAGE -> {
                    msgs.add(new Send(sender, wallet, List.of(new Coin(contribution(), denom))));
                    if (rng.nextBoolean()) {
                        msgs.add(new Send(sender, pick(elsewhere), List.of(new Coin(contribution(), denom))));
                    } else {
                        msgs.add(new Send(pickSender(shower), wallet, List.of(new Coin(contribution(), denom))));
                    }
                    if (rng.nextBoolean()) {
                        msgs.add(new Send(sender, wallet, List.of(new Coin(dust(), denom))));
                    }
                }
                case STAKING_REWARD -> msgs.add(new Delegate(wallet, pick(validators), Coin.of(1_000_000L * (1 + rng.nextInt(50)), "uluna"),
                        sorted(List.of(Coin.of(1 + rng.nextInt(5_000_000), denom), Coin.of(1 + rng.nextInt(90_000), "uluna"))),
                        rewardsFrom));
                case OUTGOING -> msgs.add(new Send(wallet, pick(elsewhere), List.of(new Coin(contribution().multiply(BigInteger.TEN), denom))));
                default -> throw new IllegalStateException("unhandled kind " + kind);
            }
            String memo = rng.nextInt(10) == 0 ? Long.toString(1_000_000_000L + rng.nextLong(9_000_000_000L)) : "";
            Coin fee = Coin.of(20_000 + rng.nextInt(200_000), "uusd");
            return new SimTx(hashPrefix, n, time.toEpochMilli(), kind, msgs, memo, fee, failure);
        }

        private Kind pickKind() {
            Mix m = config.mix();
            double u = rng.nextDouble();
            double[] shares = {m.dust(), m.otherDenom(), m.multiDenom(), m.failed(), m.multiMessage(), m.stakingReward(),
                    m.outgoing(), m.outsideEvent()};
            Kind[] kinds = {Kind.DUST, Kind.OTHER_DENOM, Kind.MULTI_DENOM, Kind.FAILED, Kind.MULTI_MESSAGE, Kind.STAKING_REWARD,
                    Kind.OUTGOING, Kind.OUTSIDE_EVENT};
            double acc = 0;
            for (int i = 0; i < shares.length; i++) {
                acc += shares[i];
                if (u < acc) {
                    return kinds[i];
                }
            }
            return Kind.SEND;
        }

        private int pickShower() {
            long r = rng.nextLong(totalWeight);
            for (int k = 0; k < showerWeights.length; k++) {
                r -= showerWeights[k];
                if (r < 0) {
                    return k + 1;
                }
            }
            return showerWeights.length;
        }

        /** A time in (start, close] of shower {@code k}: uniform, in the closing burst, or exactly on the close. */
        private Instant timeIn(int k) {
            Instant start = schedule.startOf(k);
            Instant close = schedule.closeOf(k);
            long spanSeconds = Math.max(1, Duration.between(start, close).getSeconds());
            double u = rng.nextDouble();
            if (u < 0.01) {
                return close;
            }
            if (u < 0.01 + config.burstShare()) {
                return close.minusSeconds(rng.nextLong(Math.min(120, spanSeconds)));
            }
            return start.plusSeconds(1 + rng.nextLong(spanSeconds));
        }

        /** Up to six hours before the open (sometimes exactly on it) or after the last close. */
        private Instant outsideTime() {
            if (rng.nextInt(8) == 0) {
                return schedule.opensAt();
            }
            long seconds = 1 + rng.nextLong(6 * 3600);
            return rng.nextBoolean() ? schedule.opensAt().minusSeconds(seconds)
                    : schedule.closeOf(schedule.showerCount()).plusSeconds(seconds);
        }

        /** Skewed towards the first wallets; a share repeats someone from the same shower. */
        private String pickSender(int shower) {
            List<String> seen = sendersByShower.computeIfAbsent(shower, k -> new ArrayList<>());
            if (!seen.isEmpty() && rng.nextDouble() < config.repeatShare()) {
                return seen.get(rng.nextInt(seen.size()));
            }
            double u = rng.nextDouble();
            String sender = wallets.get((int) Math.min(wallets.size() - 1, Math.floor(wallets.size() * u * u)));
            seen.add(sender);
            return sender;
        }

        /**
         * A Pareto-distributed contribution of at least the minimum. The double only picks a factor,
         * immediately an integer in thousandths; the amount itself is integer arithmetic.
         */
        private BigInteger contribution() {
            double u = rng.nextDouble();
            long factorMilli = (long) Math.min(MAX_FACTOR_MILLI, Math.floor(1000.0 / Math.pow(1.0 - u, 1.0 / PARETO_ALPHA)));
            BigInteger amount = base.multiply(BigInteger.valueOf(factorMilli)).divide(BigInteger.valueOf(1000));
            if (rng.nextInt(4) == 0) {
                amount = amount.add(BigInteger.valueOf(rng.nextInt(1_000_000)));
            }
            return amount;
        }

        /** Between 1 % and 99 % of the minimum. */
        private BigInteger dust() {
            BigInteger amount = base.multiply(BigInteger.valueOf(1 + rng.nextInt(99))).divide(BigInteger.valueOf(100));
            return amount.signum() == 0 ? BigInteger.ONE : amount;
        }

        private String otherDenom() {
            String d;
            do {
                d = otherDenoms[rng.nextInt(otherDenoms.length)];
            } while (d.equals(denom));
            return d;
        }

        private Failure failure(BigInteger amount) {
            if (rng.nextBoolean()) {
                BigInteger has = amount.divide(BigInteger.valueOf(2 + rng.nextInt(10)));
                return new Failure(5, "sdk", "failed to execute message; message index: 0: " + has + denom + " is smaller than "
                        + amount + denom + ": insufficient funds");
            }
            long wanted = 80_000 + rng.nextInt(40_000);
            return new Failure(11, "sdk", "out of gas in location: WriteFlat; gasWanted: " + wanted + ", gasUsed: "
                    + (wanted + 1 + rng.nextInt(5_000)) + ": out of gas");
        }

        private <T> T pick(List<T> list) {
            return list.get(rng.nextInt(list.size()));
        }

        private List<Coin> sorted(List<Coin> coins) {
            List<Coin> out = new ArrayList<>(coins);
            out.sort(Comparator.comparing(Coin::denom));
            return out;
        }
    }

    /** Bech32 addresses with {@code hrp}, or base58 public keys on a Solana manifest. */
    private List<String> deriveAddresses(String hrp, String role, int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] hash = sha256("starfall-sim/" + config.seed() + "/" + role + "/" + i);
            out.add(solanaNative ? Base58.encode(hash) : Bech32.encode(hrp, Arrays.copyOf(hash, 20)));
        }
        return Collections.unmodifiableList(out);
    }

    /** The other denoms of a Solana history: native SOL and four SPL mints. */
    private String[] solanaOtherDenoms() {
        List<String> out = new ArrayList<>(List.of(SolanaRenderer.LAMPORTS));
        out.addAll(deriveAddresses("terra", "mint", OTHER_DENOMS.length - 1));
        return out.toArray(String[]::new);
    }

    static byte[] sha256(String text) {
        return SHA_256.get().digest(text.getBytes(StandardCharsets.UTF_8));
    }

    /** One digest per thread: looking one up in the providers cost more than the hash of a short text (three per rendered transaction). */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    });
}
