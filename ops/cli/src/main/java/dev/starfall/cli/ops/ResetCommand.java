package dev.starfall.cli.ops;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import dev.starfall.cli.Args;
import dev.starfall.cli.Command;
import dev.starfall.cli.ServiceSettings.Setting;
import dev.starfall.projections.ProjectionsService;
import dev.starfall.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.tools.StreamsResetter;

/**
 * {@code starfall reset}: rebuilds the projections from the transfer log. Refuses while the
 * application's consumer group has members; then runs Kafka's {@link StreamsResetter} (input
 * offsets to the earliest, internal topics deleted) and deletes the application's local state
 * directory, so the next start reprocesses everything.
 */
public final class ResetCommand implements Command {

    static final String APPLICATION_ID = "--application-id";
    static final String STATE_DIR = "--state-dir";
    static final String DRY_RUN = "--dry-run";

    /**
     * The topology's source topics whose committed offsets the reset rewinds (global stores keep no
     * offsets). The caves are read back from the results topic; its old results are the same as
     * those the rebuild writes again, under the same compacted keys.
     */
    static final List<String> INPUT_TOPICS = List.of(Topics.TRANSFERS_OBSERVED.name(), Topics.EGG_REVEALS.name(), Topics.RESULTS.name());

    @Override
    public String name() {
        return "reset";
    }

    @Override
    public String summary() {
        return "rebuild the projections: rewind their offsets, delete internal topics and local state (instances stopped)";
    }

    @Override
    public String usage() {
        return "usage: starfall reset [options]\n\n"
                + "Rebuilds the projections from the transfer log. Stop every projections instance first: the\n"
                + "command refuses while the application's consumer group has members. It runs Kafka's\n"
                + "StreamsResetter (offsets of " + String.join(", ", INPUT_TOPICS) + " to the earliest;\n"
                + "the application's internal changelog and repartition topics deleted), then deletes the local\n"
                + "state directory <state-dir>/<application-id>. Run it on every host that kept state.\n\noptions:\n"
                + OpsSupport.help(APPLICATION_ID + " ID", Setting.APPLICATION_ID)
                + OpsSupport.help(STATE_DIR + " DIR", Setting.STATE_DIR)
                + OpsSupport.help(DRY_RUN, "print what would be done, change nothing")
                + OpsSupport.help(OpsSupport.BOOTSTRAP + " HOST:PORT", Setting.BOOTSTRAP_SERVERS)
                + OpsSupport.help(OpsSupport.MANIFEST + " FILE", Setting.MANIFEST);
    }

    @Override
    public int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(args, Set.of(OpsSupport.BOOTSTRAP, OpsSupport.MANIFEST, APPLICATION_ID, STATE_DIR), Set.of(DRY_RUN));
        if (a.help()) {
            out.print(usage());
            return OK;
        }
        String bootstrap = OpsSupport.bootstrap(a, env);
        String applicationId = OpsSupport.value(a, APPLICATION_ID, Setting.APPLICATION_ID, env)
                .orElseGet(() -> ProjectionsService.Settings.applicationIdFor(OpsSupport.manifest(a, env)));
        Path stateDir = Path.of(OpsSupport.value(a, STATE_DIR, Setting.STATE_DIR, env).orElseThrow());
        boolean dryRun = a.has(DRY_RUN);

        List<String> members = activeMembers(bootstrap, applicationId);
        if (!members.isEmpty()) {
            err.println("starfall reset: refused: application '" + applicationId + "' still has " + members.size()
                    + " active member(s): " + String.join(", ", members) + ". Stop every projections instance, then run reset again.");
            return FAILED;
        }
        out.println("application " + applicationId + " has no active members");

        List<String> resetterArgs = new ArrayList<>(List.of("--bootstrap-server", bootstrap, "--application-id", applicationId,
                "--input-topics", String.join(",", INPUT_TOPICS), "--to-earliest"));
        if (dryRun) {
            resetterArgs.add("--dry-run");
        }
        out.println("running StreamsResetter " + String.join(" ", resetterArgs));
        int code = new StreamsResetter().execute(resetterArgs.toArray(String[]::new));
        if (code != 0) {
            err.println("starfall reset: StreamsResetter failed with exit code " + code + "; local state left in place");
            return FAILED;
        }
        out.println("offsets of " + String.join(", ", INPUT_TOPICS) + " reset to the earliest; internal topics of " + applicationId + " deleted");

        Path appState = stateDir.resolve(applicationId).toAbsolutePath();
        if (!Files.exists(appState)) {
            out.println("no local state at " + appState);
        } else if (dryRun) {
            out.println("would delete local state " + appState);
        } else {
            long deleted = deleteTree(appState);
            out.println("deleted local state " + appState + " (" + deleted + " files and directories)");
        }
        out.println(dryRun ? "dry run: nothing changed" : "reset done: start the projections instances; they reprocess from the start");
        return OK;
    }

    /** Members of the application's consumer group, as {@code clientId@host}; empty when the group is empty or unknown. */
    static List<String> activeMembers(String bootstrap, String applicationId)
            throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(applicationId)).all().get(30, TimeUnit.SECONDS)
                    .get(applicationId);
            return d == null ? List.of() : d.members().stream().map(m -> m.clientId() + "@" + m.host()).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return List.of();
            }
            throw e;
        }
    }

    private static long deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                Files.delete(p);
            }
            return paths.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
        }
    }
}
