package dev.starfall.gateway;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.starfall.schemas.manifest.signing.HaltNotice;

/**
 * What the process hosting the gateway tells it beyond the stores: its ingestors (status and
 * metrics), the current verified halt notice, and the fingerprint of the key the manifest was
 * verified with (null when no key was configured).
 */
public record GatewayHooks(Supplier<List<IngestView>> ingest, Supplier<Optional<HaltNotice>> halt, String verifiedByKey) {

    public static GatewayHooks none() {
        return new GatewayHooks(List::of, Optional::empty, null);
    }

    public GatewayHooks withIngest(Supplier<List<IngestView>> supplier) {
        return new GatewayHooks(supplier, halt, verifiedByKey);
    }

    public GatewayHooks withHalt(Supplier<Optional<HaltNotice>> supplier) {
        return new GatewayHooks(ingest, supplier, verifiedByKey);
    }

    public GatewayHooks withVerifiedKey(String fingerprint) {
        return new GatewayHooks(ingest, halt, fingerprint);
    }
}
