package dev.starfall.ingestor.source;

import java.util.List;
import java.util.Objects;

import dev.starfall.ingestor.source.cosmoslcd.LcdSource;
import dev.starfall.ingestor.source.fcd.FcdSource;
import dev.starfall.ingestor.source.lcd.LcdQuery;
import dev.starfall.ingestor.source.solanarpc.SolanaSource;
import dev.starfall.schemas.manifest.Manifest;

/**
 * Picks the {@link ChainSource} for a manifest's {@code event.chain}: {@code terra-classic} and
 * {@code simulated} read FCD (the simulator speaks FCD), {@code cosmos} an LCD, {@code solana}
 * JSON-RPC.
 */
public final class Sources {

    private Sources() {
    }

    /**
     * Chain-specific settings.
     *
     * @param lcdDialect          {@code events=} (SDK 0.45/0.47) or {@code query=} (SDK 0.50+)
     * @param solanaTokenAccounts the wallet's token accounts to watch for SPL deposits (e.g. the ATA of the event's mint)
     * @param fcdWindowPages      see {@link FcdSource.Builder#windowPages(int)}
     */
    public record ChainOptions(LcdQuery.Dialect lcdDialect, List<String> solanaTokenAccounts, int fcdWindowPages) {
        public static final ChainOptions DEFAULT = new ChainOptions(LcdQuery.Dialect.EVENTS, List.of(), 50);

        public ChainOptions {
            Objects.requireNonNull(lcdDialect, "lcdDialect");
            solanaTokenAccounts = List.copyOf(solanaTokenAccounts);
        }
    }

    /** The source for {@code manifest}'s chain, wallet and denom, over {@code settings}' endpoints. */
    public static ChainSource forManifest(Manifest manifest, SourceSettings settings, ChainOptions options) {
        WatchTarget target = WatchTarget.of(manifest);
        return switch (target.chain()) {
            case "terra-classic", "simulated" -> {
                FcdSource.Builder b = FcdSource.builder(settings.endpoints(), target)
                        .pacing(settings.pacing())
                        .ticker(settings.ticker())
                        .retryPolicy(settings.retryPolicy())
                        .requestTimeout(settings.requestTimeout())
                        .pageLimit(settings.pageLimit())
                        .batchSize(settings.batchSize())
                        .windowPages(options.fcdWindowPages())
                        .clock(settings.clock())
                        .sleeper(settings.sleeper())
                        .random(settings.random());
                if (settings.http() != null) {
                    b.httpClient(settings.http());
                }
                yield b.build();
            }
            case "cosmos" -> new LcdSource(target, options.lcdDialect(), settings);
            case "solana" -> new SolanaSource(target, options.solanaTokenAccounts(), settings);
            default -> throw new IllegalArgumentException("no chain source for event.chain '" + target.chain() + "'");
        };
    }
}
