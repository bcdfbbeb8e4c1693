package dev.starfall.ingestor.source;

import dev.starfall.ingestor.source.fcd.FcdSource;
import dev.starfall.schemas.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SourcesTest {

    @Test
    void shouldReadTerraClassicFromFcd() {
        ChainSource source = Sources.forManifest(ManifestLoader.loadDefault(), SourceSettings.of("http://127.0.0.1:1"),
                Sources.ChainOptions.DEFAULT);

        assertThat(source).isInstanceOf(FcdSource.class);
        assertThat(source.sourceId()).endsWith("/fcd");
        assertThat(source.endpoint()).isEqualTo("http://127.0.0.1:1");
    }
}
