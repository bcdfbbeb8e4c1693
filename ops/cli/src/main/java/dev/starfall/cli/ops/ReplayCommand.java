package dev.starfall.cli.ops;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starfall.cli.Args;
import dev.starfall.cli.Command;
import dev.starfall.cli.UsageException;
import dev.starfall.projections.domain.TierFloors;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.TransferIds;
import dev.starfall.schemas.avro.EggDrawn;
import dev.starfall.schemas.avro.EggWinner;
import dev.starfall.schemas.avro.ShowerResult;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.avro.TransferRejected;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.registry.HttpSchemaRegistryClient;
import dev.starfall.schemas.registry.SchemaRegistryClient;
import dev.starfall.schemas.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * {@code starfall replay export|recompute|mint}: reads the topics from the start, decoded through the
 * schema registry, and exports them, checks the gateway's leaderboards against an offline
 * recomputation, or writes the mint manifest of a closed shower.
 */
public final class ReplayCommand implements Command {

    static final String TOPIC = "--topic";
    static final String FORMAT = "--format";
    static final String FROM_TIME = "--from-time";
    static final String SHOWER = "--shower";
    static final String ALL = "--all";
    static final String OUT = "--out";
    static final String GATEWAY = "--gateway";
    static final String IMAGE_POOL = "--image-pool";

    private static final int PAGE = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "replay";
    }

    @Override
    public String summary() {
        return "replay the topics: export them, recompute and check the leaderboards, write a mint manifest";
    }

    @Override
    public String usage() {
        return "usage: starfall replay <export|recompute|mint> [options]   (starfall replay <sub> --help)\n\n"
                + "  export     write a topic (transfers, rejected, results) as CSV or JSON Lines\n"
                + "  recompute  recompute rankings, tiers and floors offline from the transfer log and compare with the gateway\n"
                + "  mint       the mint manifest (CSV, one row per meteor) of a closed shower from the results topic\n";
    }

    static String exportUsage() {
        return "usage: starfall replay export --topic transfers|rejected|results --format csv|jsonl [--from-time ISO | --shower N] --out FILE|-\n\n"
                + "Reads the topic from the start (or from --from-time by record timestamp) up to the end offsets seen\n"
                + "at start, decoded through the registry. Amounts are integer minor units as strings; times ISO-8601 UTC.\n"
                + "--shower keeps only records of that shower (by block time for transfers and rejected).\n\noptions:\n"
                + OpsSupport.COMMON_HELP;
    }

    static String recomputeUsage() {
        return "usage: starfall replay recompute --shower N|--all --gateway URL\n\n"
                + "Recomputes each shower's ranking, tiers and floors offline from the transfer log (deduplicated by\n"
                + "transfer id, late transfers left out) and compares with GATEWAY/api/v1/showers/N/leaderboard, page by\n"
                + "page: wallets, amounts, ranks, tiers, totals and floors. Prints each difference; exit 1 on any.\n\noptions:\n"
                + OpsSupport.COMMON_HELP;
    }

    static String mintUsage() {
        return "usage: starfall replay mint --shower N --image-pool POOL.csv --out FILE.csv|-\n\n"
                + "The mint manifest of a CLOSED shower from the results topic: one row per meteor, best rank first\n"
                + "(owner, shower, tier, rank, contribution, token name 'Meteor #<shower>-<rank>', image CID, egg).\n"
                + "The pool is CSV rows 'tier,cid' (a header row 'tier,cid' is skipped); CIDs of a tier are used\n"
                + "round-robin in rank order. 'egg' is 'yes' for wallets drawn in the eggs topic, else empty.\n\noptions:\n"
                + OpsSupport.COMMON_HELP;
    }

    @Override
    public int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || args.get(0).equals(Args.HELP)) {
            out.print(usage());
            return args.isEmpty() ? USAGE : OK;
        }
        String sub = args.get(0);
        List<String> rest = args.subList(1, args.size());
        Set<String> common = Set.of(OpsSupport.BOOTSTRAP, OpsSupport.REGISTRY, OpsSupport.MANIFEST);
        try {
            switch (sub) {
                case "export": {
                    Args a = Args.parse(rest, union(common, TOPIC, FORMAT, FROM_TIME, SHOWER, OUT), Set.of());
                    return a.help() ? help(out, exportUsage()) : export(a, env, out, err);
                }
                case "recompute": {
                    Args a = Args.parse(rest, union(common, SHOWER, GATEWAY), Set.of(ALL));
                    return a.help() ? help(out, recomputeUsage()) : recompute(a, env, out, err);
                }
                case "mint": {
                    Args a = Args.parse(rest, union(common, SHOWER, IMAGE_POOL, OUT), Set.of());
                    return a.help() ? help(out, mintUsage()) : mint(a, env, out, err);
                }
                default:
                    throw new UsageException("unknown replay subcommand '" + sub + "' (export, recompute or mint)").in("replay");
            }
        } catch (UsageException e) {
            throw e.command().isPresent() ? e : e.in("replay " + sub);
        }
    }

    private static int help(PrintStream out, String text) {
        out.print(text);
        return OK;
    }

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> s = new java.util.HashSet<>(base);
        s.addAll(List.of(more));
        return s;
    }

    // ---- export ----------------------------------------------------------------------------------

    /** Columns and row mapping of each exportable topic. */
    enum ExportTopic {
        TRANSFERS(Topics.TRANSFERS_OBSERVED.name(), TransferObserved.class, List.of("transfer_id", "shower", "chain", "chain_id", "tx_hash",
                "message_index", "block_height", "block_time", "sender", "recipient", "denom", "amount", "memo", "source_endpoint", "observed_at")),
        REJECTED(Topics.TRANSFERS_REJECTED.name(), TransferRejected.class, List.of("transfer_id", "shower", "chain", "chain_id", "tx_hash",
                "message_index", "block_height", "block_time", "sender", "recipient", "denom", "amount", "memo", "source_endpoint", "observed_at",
                "reason", "detail")),
        RESULTS(Topics.RESULTS.name(), ShowerResult.class, List.of("event_id", "shower", "wallet", "rank", "tier", "tier_index", "contribution",
                "transfers", "first_at", "reached_at"));

        final String topic;
        final Class<? extends SpecificRecord> type;
        final List<String> columns;

        ExportTopic(String topic, Class<? extends SpecificRecord> type, List<String> columns) {
            this.topic = topic;
            this.type = type;
            this.columns = columns;
        }

        static ExportTopic parse(String v) {
            return switch (v) {
                case "transfers" -> TRANSFERS;
                case "rejected" -> REJECTED;
                case "results" -> RESULTS;
                default -> throw new UsageException(TOPIC + " must be transfers, rejected or results, got '" + v + "'");
            };
        }

        /** The row of a record, in column order; amounts as integer strings, times ISO-8601; null stays null. */
        List<Object> row(SpecificRecord r, Manifest manifest) {
            if (r instanceof TransferObserved t) {
                return java.util.Arrays.asList(TransferIds.of(t), showerOf(manifest, t.getBlockTime()), t.getChain(), t.getChainId(), t.getTxHash(),
                        t.getMessageIndex(), t.getBlockHeight(), t.getBlockTime().toString(), t.getSender(), t.getRecipient(), t.getDenom(),
                        t.getAmount().toBigIntegerExact().toString(), t.getMemo(), t.getSourceEndpoint(), t.getObservedAt().toString());
            }
            if (r instanceof TransferRejected t) {
                return java.util.Arrays.asList(TransferIds.of(t.getChain(), t.getTxHash(), t.getMessageIndex()), showerOf(manifest, t.getBlockTime()),
                        t.getChain(), t.getChainId(), t.getTxHash(), t.getMessageIndex(), t.getBlockHeight(), t.getBlockTime().toString(),
                        t.getSender(), t.getRecipient(), t.getDenom(), t.getAmount() == null ? null : t.getAmount().toBigIntegerExact().toString(),
                        t.getMemo(), t.getSourceEndpoint(), t.getObservedAt().toString(), t.getReason().name(), t.getDetail());
            }
            ShowerResult s = (ShowerResult) r;
            return java.util.Arrays.asList(s.getEventId(), s.getShower(), s.getWallet(), s.getRank(), s.getTier(), s.getTierIndex(),
                    s.getContribution().toBigIntegerExact().toString(), s.getTransfers(), s.getFirstAt().toString(), s.getReachedAt().toString());
        }

        /** The shower column of a row (index 1), or null. */
        static Integer showerOf(Manifest manifest, Instant blockTime) {
            OptionalInt s = manifest.schedule().showerOf(blockTime.toEpochMilli());
            return s.isPresent() ? s.getAsInt() : null;
        }
    }

    private int export(Args a, Map<String, String> env, PrintStream out, PrintStream err) throws IOException {
        ExportTopic topic = ExportTopic.parse(a.require(TOPIC));
        String format = a.require(FORMAT);
        if (!format.equals("csv") && !format.equals("jsonl")) {
            throw new UsageException(FORMAT + " must be csv or jsonl, got '" + format + "'");
        }
        if (a.get(FROM_TIME).isPresent() && a.get(SHOWER).isPresent()) {
            throw new UsageException("give " + FROM_TIME + " or " + SHOWER + ", not both");
        }
        Optional<Instant> from = a.get(FROM_TIME).map(ReplayCommand::instant);
        Manifest manifest = OpsSupport.manifest(a, env);
        OptionalInt shower = a.get(SHOWER).isPresent() ? OptionalInt.of(a.integer(SHOWER, 1, manifest.schedule().showerCount())) : OptionalInt.empty();
        String target = a.require(OUT);
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(OpsSupport.registry(a, env));
        long[] written = {0};
        try (Writer w = writer(target, out)) {
            Csv csv = new Csv(w);
            if (format.equals("csv")) {
                csv.row(topic.columns);
            }
            read(a, env, topic.topic, topic.type, registry, from, err, (k, v) -> {
                List<Object> row = topic.row(v, manifest);
                if (shower.isPresent() && !Objects.equals(row.get(1), shower.getAsInt())) {
                    return;
                }
                if (format.equals("csv")) {
                    csv.row(row);
                } else {
                    Map<String, Object> obj = new LinkedHashMap<>();
                    for (int i = 0; i < row.size(); i++) {
                        obj.put(topic.columns.get(i), row.get(i));
                    }
                    try {
                        w.write(JSON.writeValueAsString(obj));
                        w.write('\n');
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                written[0]++;
            });
        }
        err.println("exported " + written[0] + " records of " + topic.topic + " to " + (target.equals("-") ? "stdout" : target));
        return OK;
    }

    private static Instant instant(String v) {
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new UsageException(FROM_TIME + " must be an ISO-8601 instant like 2021-11-08T06:00:00Z, got '" + v + "'", e);
        }
    }

    private static Writer writer(String target, PrintStream out) throws IOException {
        OutputStream os = target.equals("-") ? new NonClosing(out) : Files.newOutputStream(Path.of(target));
        return new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8));
    }

    /** stdout stays open after the writer closes; it is flushed. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    private static <T extends SpecificRecord> long read(Args a, Map<String, String> env, String topic, Class<T> type,
                                                        SchemaRegistryClient registry, Optional<Instant> from, PrintStream err,
                                                        java.util.function.BiConsumer<String, T> sink) {
        try (Deserializer<T> values = AvroSerdes.specific(type, registry, false).deserializer()) {
            return new TopicReader(OpsSupport.bootstrap(a, env)).read(topic, values, from, Progress.of(err, "read " + topic), sink);
        }
    }

    // ---- recompute -------------------------------------------------------------------------------

    private int recompute(Args a, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        Manifest manifest = OpsSupport.manifest(a, env);
        boolean all = a.has(ALL);
        if (all == a.get(SHOWER).isPresent()) {
            throw new UsageException("give " + SHOWER + " N or " + ALL);
        }
        List<Integer> showers = new ArrayList<>();
        if (all) {
            for (int s = 1; s <= manifest.schedule().showerCount(); s++) {
                showers.add(s);
            }
        } else {
            showers.add(a.integer(SHOWER, 1, manifest.schedule().showerCount()));
        }
        GatewayClient gateway = new GatewayClient(a.require(GATEWAY));
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(OpsSupport.registry(a, env));
        OfflineRecompute offline = OfflineRecompute.of(manifest);
        read(a, env, Topics.TRANSFERS_LATE.name(), TransferObserved.class, registry, Optional.empty(), err,
                (k, t) -> offline.exclude(TransferIds.of(t)));
        read(a, env, Topics.TRANSFERS_OBSERVED.name(), TransferObserved.class, registry, Optional.empty(), err,
                (k, t) -> offline.add(OfflineRecompute.Transfer.of(t)));
        out.println("recomputed from the log: " + offline.showers().size() + " showers with transfers, " + offline.outsideShowers()
                + " transfers outside every shower, " + offline.excluded() + " late transfers left out");
        int differences = 0;
        for (int shower : showers) {
            List<String> diffs = compare(offline.shower(shower), gateway);
            for (String d : diffs) {
                out.println("shower " + shower + ": " + d);
            }
            if (diffs.isEmpty()) {
                out.println("shower " + shower + ": same (" + offline.shower(shower).wallets() + " wallets)");
            }
            differences += diffs.size();
        }
        out.println(differences == 0 ? "no differences in " + showers.size() + " showers"
                : differences + " difference(s) in " + showers.size() + " showers");
        return differences == 0 ? OK : FAILED;
    }

    /** Differences between the offline ranking and the gateway's pages; empty when they agree. */
    static List<String> compare(OfflineRecompute.ShowerRanking expected, GatewayClient gateway) throws Exception {
        List<String> diffs = new ArrayList<>();
        List<JsonNode> entries = new ArrayList<>();
        JsonNode first = null;
        for (int offset = 0; ; offset += PAGE) {
            JsonNode page = gateway.getOk("/api/v1/showers/" + expected.shower() + "/leaderboard?limit=" + PAGE + "&offset=" + offset);
            if (first == null) {
                first = page;
            }
            page.path("entries").forEach(entries::add);
            if (page.path("entries").size() < PAGE) {
                break;
            }
        }
        same(diffs, "wallets", expected.wallets(), first.path("wallets").asLong());
        same(diffs, "eligible wallets", expected.eligibleWallets(), first.path("eligibleWallets").asLong());
        same(diffs, "raised", expected.raised().toString(), first.path("raised").asText());
        same(diffs, "transfers", expected.transfers(), first.path("transfers").asLong());
        int n = Math.max(expected.entries().size(), entries.size());
        for (int i = 0; i < n; i++) {
            OfflineRecompute.Ranked e = i < expected.entries().size() ? expected.entries().get(i) : null;
            JsonNode g = i < entries.size() ? entries.get(i) : null;
            if (e == null) {
                diffs.add("rank " + g.path("rank").asLong() + ": gateway has " + g.path("wallet").asText() + " with " + g.path("amount").asText()
                        + ", not in the log");
                continue;
            }
            if (g == null) {
                diffs.add("rank " + e.rank() + ": log has " + e.wallet() + " with " + e.amount() + ", missing from the gateway");
                continue;
            }
            String tier = g.hasNonNull("tier") ? g.path("tier").asText() : null;
            if (e.rank() != g.path("rank").asLong() || !e.wallet().equals(g.path("wallet").asText())
                    || !e.amount().equals(new BigInteger(g.path("amount").asText())) || !Objects.equals(e.tier(), tier)) {
                diffs.add(String.format("rank %d: log %s %s %s, gateway rank %d %s %s %s", e.rank(), e.wallet(), e.amount(), e.tier(),
                        g.path("rank").asLong(), g.path("wallet").asText(), g.path("amount").asText(), tier));
            }
        }
        JsonNode floors = first.path("floors");
        if (floors.isArray()) {
            for (int i = 0; i < expected.floors().size(); i++) {
                TierFloors.Floor f = expected.floors().get(i);
                JsonNode g = floors.path(i);
                String gFloor = g.hasNonNull("floor") ? g.path("floor").asText() : null;
                String eFloor = f.floor() == null ? null : f.floor().toString();
                if (!Objects.equals(eFloor, gFloor) || f.wallets() != g.path("wallets").asLong() || f.lastRank() != g.path("lastRank").asLong()) {
                    diffs.add(String.format("floor of %s: log %s wallets, last rank %d, floor %s; gateway %s", f.tier(), f.wallets(), f.lastRank(),
                            eFloor, g));
                }
            }
        }
        return diffs;
    }

    private static void same(List<String> diffs, String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            diffs.add(what + ": log " + expected + ", gateway " + actual);
        }
    }

    // ---- mint ------------------------------------------------------------------------------------

    private int mint(Args a, Map<String, String> env, PrintStream out, PrintStream err) throws IOException {
        Manifest manifest = OpsSupport.manifest(a, env);
        int shower = a.integer(SHOWER, 1, manifest.schedule().showerCount());
        Map<String, List<String>> pool = ImagePool.read(Path.of(a.require(IMAGE_POOL)));
        String target = a.require(OUT);
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(OpsSupport.registry(a, env));
        String prefix = shower + ":";
        TreeMap<Long, ShowerResult> byRank = new TreeMap<>();
        read(a, env, Topics.RESULTS.name(), ShowerResult.class, registry, Optional.empty(), err, (k, r) -> {
            if (r.getShower() == shower && (k == null || k.startsWith(prefix))) {
                byRank.put(r.getRank(), r);
            }
        });
        if (byRank.isEmpty()) {
            err.println("starfall replay mint: no results for shower " + shower + " in " + Topics.RESULTS.name()
                    + ": the shower is not closed yet (results are written at close plus grace) or had no eligible wallet");
            return FAILED;
        }
        Map<String, String> eggs = new HashMap<>();
        read(a, env, Topics.EGGS.name(), EggDrawn.class, registry, Optional.empty(), err, (k, d) -> {
            if (d.getShower() == shower) {
                for (EggWinner w : d.getWinners()) {
                    eggs.put(w.getWallet(), "yes");
                }
            }
        });
        List<MintRow> rows = MintRow.of(shower, new ArrayList<>(byRank.values()), pool, eggs);
        try (Writer w = writer(target, out)) {
            MintRow.write(rows, new Csv(w));
        }
        err.println("mint manifest of shower " + shower + ": " + rows.size() + " meteors, " + eggs.size() + " eggs, to "
                + (target.equals("-") ? "stdout" : target));
        return OK;
    }
}
