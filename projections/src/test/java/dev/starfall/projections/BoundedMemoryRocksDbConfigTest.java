package dev.starfall.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompactionStyle;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Statistics;
import org.rocksdb.TableProperties;
import org.rocksdb.TickerType;

class BoundedMemoryRocksDbConfigTest {

    private static Options configured(String store, Map<String, Object> configs) {
        Options options = new Options().setTableFormatConfig(new BlockBasedTableConfig());
        new BoundedMemoryRocksDbConfig().setConfig(store, options, configs);
        return options;
    }

    @Test
    void shouldFilterTheMemtablesOfStoresReadByKeyOnly() {
        for (String store : BoundedMemoryRocksDbConfig.POINT_READ_STORES) {
            try (Options options = configured(store, Map.of())) {
                assertThat(options.memtablePrefixBloomSizeRatio()).as(store).isEqualTo(BoundedMemoryRocksDbConfig.MEMTABLE_BLOOM_RATIO);
                assertThat(options.memtableWholeKeyFiltering()).as(store).isTrue();
            }
        }
        try (Options options = configured(Stores.METEORS, Map.of())) {
            assertThat(options.memtablePrefixBloomSizeRatio()).isZero();
            assertThat(options.memtableWholeKeyFiltering()).isFalse();
        }
    }

    @Test
    void shouldFindWhatWasWrittenAndNothingElseThroughTheFilteredMemtable(@TempDir Path dir) throws RocksDBException {
        try (Options options = configured(Stores.TRANSFER_IDS, Map.of()).setCreateIfMissing(true);
             RocksDB db = RocksDB.open(options, dir.toString())) {
            for (int i = 0; i < 10_000; i += 2) {
                db.put(key(i), new byte[] {(byte) i});
            }
            for (int i = 0; i < 10_000; i++) {
                byte[] value = db.get(key(i));
                if (i % 2 == 0) {
                    assertThat(value).as("key %d", i).containsExactly((byte) i);
                } else {
                    assertThat(value).as("key %d", i).isNull();
                }
            }
        }
    }

    @Test
    void shouldAnswerMissesInTheLastLevelFromItsBloomFilterForStoresReadByKeyOnly(@TempDir Path dir) throws RocksDBException {
        for (String store : new String[] {Stores.TRANSFER_IDS, Stores.CONTRIBUTIONS, Stores.METEORS}) {
            // the options as Kafka Streams' RocksDBStore sets them before calling the config setter
            BlockBasedTableConfig table = new BlockBasedTableConfig().setFilterPolicy(new BloomFilter());
            try (Options options = new Options().setTableFormatConfig(table).setOptimizeFiltersForHits(true)
                    .setCompactionStyle(CompactionStyle.UNIVERSAL).setCreateIfMissing(true);
                 Statistics statistics = new Statistics()) {
                new BoundedMemoryRocksDbConfig().setConfig(store, options, Map.of());
                options.setStatistics(statistics);
                try (RocksDB db = RocksDB.open(options, dir.resolve(store).toString());
                     FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                    for (int i = 0; i < 10_000; i += 2) {
                        db.put(key(i), new byte[] {(byte) i});
                    }
                    db.flush(flush);
                    db.compactRange();
                    assertThat(db.getProperty("rocksdb.num-files-at-level" + (options.numLevels() - 1))).as(store).isEqualTo("1");
                    long before = statistics.getTickerCount(TickerType.BLOOM_FILTER_USEFUL);
                    for (int i = 1; i < 10_000; i += 2) {
                        assertThat(db.get(key(i))).as("key %d of %s", i, store).isNull();
                    }
                    long useful = statistics.getTickerCount(TickerType.BLOOM_FILTER_USEFUL) - before;
                    if (BoundedMemoryRocksDbConfig.POINT_READ_STORES.contains(store)) {
                        assertThat(useful).as(store).isGreaterThan(4_900);
                    } else {
                        assertThat(useful).as(store).isZero();
                    }
                }
            }
        }
    }

    @Test
    void shouldSplitTheFiltersAndIndexesOfStoresReadByKeyIntoSmallPartitions(@TempDir Path dir) throws RocksDBException {
        for (String store : new String[] {Stores.TRANSFER_IDS, Stores.CONTRIBUTIONS, Stores.METEORS}) {
            // the options as Kafka Streams' RocksDBStore sets them before calling the config setter
            BlockBasedTableConfig table = new BlockBasedTableConfig().setFilterPolicy(new BloomFilter());
            try (Options options = new Options().setTableFormatConfig(table).setCompactionStyle(CompactionStyle.UNIVERSAL)
                    .setCreateIfMissing(true)) {
                new BoundedMemoryRocksDbConfig().setConfig(store, options, Map.of());
                try (RocksDB db = RocksDB.open(options, dir.resolve(store).toString());
                     FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                    for (int i = 0; i < 100_000; i += 2) {
                        db.put(key(i), new byte[] {(byte) i});
                    }
                    db.flush(flush);
                    TableProperties file = db.getPropertiesOfAllTables().values().iterator().next();
                    if (BoundedMemoryRocksDbConfig.POINT_READ_STORES.contains(store)) {
                        assertThat(file.getIndexPartitions()).as(store).isGreaterThan(1);
                        assertThat(file.getTopLevelIndexSize()).as(store).isPositive().isLessThan(file.getIndexSize());
                        assertThat(file.getFilterSize()).as("the file's filter, %s", store).isGreaterThan(4 * BoundedMemoryRocksDbConfig.METADATA_BLOCK_BYTES);
                    } else {
                        assertThat(file.getIndexPartitions()).as(store).isZero();
                    }
                    for (int i = 0; i < 100_000; i++) {
                        byte[] value = db.get(key(i));
                        if (i % 2 == 0) {
                            assertThat(value).as("key %d of %s", i, store).containsExactly((byte) i);
                        } else {
                            assertThat(value).as("key %d of %s", i, store).isNull();
                        }
                    }
                }
            }
        }
    }

    @Test
    void shouldReadTheTableFilesAnEarlierVersionWroteWithWholeFilters(@TempDir Path dir) throws RocksDBException {
        // as the versions before row 72 wrote them: one Bloom filter and one index for each table file
        BlockBasedTableConfig whole = new BlockBasedTableConfig().setFilterPolicy(new BloomFilter());
        try (Options options = new Options().setTableFormatConfig(whole).setCreateIfMissing(true);
             RocksDB db = RocksDB.open(options, dir.toString());
             FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            for (int i = 0; i < 20_000; i += 2) {
                db.put(key(i), new byte[] {(byte) i});
            }
            db.flush(flush);
        }
        try (Options options = configured(Stores.TRANSFER_IDS, Map.of());
             RocksDB db = RocksDB.open(options, dir.toString());
             FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            assertThat(db.getPropertiesOfAllTables().values()).singleElement().extracting(TableProperties::getIndexPartitions).isEqualTo(0L);
            for (int i = 1; i < 20_000; i += 2) {
                db.put(key(i), new byte[] {(byte) i});
            }
            db.flush(flush);
            assertThat(db.getPropertiesOfAllTables().values().stream().map(TableProperties::getIndexPartitions).sorted())
                    .as("the earlier file as it was, the new one partitioned").hasSize(2)
                    .satisfies(partitions -> assertThat(partitions.get(0)).isZero(), partitions -> assertThat(partitions.get(1)).isPositive());
            for (int i = 0; i < 20_000; i++) {
                assertThat(db.get(key(i))).as("key %d", i).containsExactly((byte) i);
            }
            assertThat(db.get(key(20_001))).isNull();
        }
    }

    @Test
    void shouldKeepAFewInfoLogsAcrossManyOpens(@TempDir Path dir) throws Exception {
        for (int open = 0; open < 6; open++) {
            try (Options options = configured(Stores.TRANSFER_IDS, Map.of()).setCreateIfMissing(true)
                    .setInfoLogLevel(InfoLogLevel.ERROR_LEVEL);
                 RocksDB db = RocksDB.open(options, dir.toString())) {
                db.put(key(open), new byte[] {(byte) open});
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("LOG.old")))
                    .hasSize((int) BoundedMemoryRocksDbConfig.KEPT_INFO_LOGS - 1);
        }
    }

    @Test
    void shouldOpenTheTableFilesOnTheOpeningThreadAndFindEveryKeyAfterAReopen(@TempDir Path dir) throws Exception {
        int files = 5;
        try (Options options = configured(Stores.CONTRIBUTIONS, Map.of()).setCreateIfMissing(true)
                .setDisableAutoCompactions(true);
             RocksDB db = RocksDB.open(options, dir.toString());
             FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            assertThat(options.maxFileOpeningThreads()).isEqualTo(BoundedMemoryRocksDbConfig.FILE_OPENING_THREADS);
            for (int file = 0; file < files; file++) {
                for (int i = file; i < 1_000; i += files) {
                    db.put(key(i), new byte[] {(byte) i});
                }
                db.flush(flush);
            }
        }
        try (Stream<Path> sst = Files.list(dir)) {
            assertThat(sst.filter(f -> f.getFileName().toString().endsWith(".sst"))).hasSize(files);
        }
        try (Options options = configured(Stores.CONTRIBUTIONS, Map.of()).setDisableAutoCompactions(true);
             RocksDB db = RocksDB.open(options, dir.toString())) {
            for (int i = 0; i < 1_000; i++) {
                assertThat(db.get(key(i))).as("key %d", i).containsExactly((byte) i);
            }
        }
    }

    @Test
    void shouldRunOnARocksDbWhoseMissesReturnWithoutACppException() {
        // 10.1.3, which Kafka Streams 4.3.1 asks for, throws and catches a C++ exception on every
        // missing key (facebook/rocksdb#13023); the root pom pins 10.10.1, which does not.
        String[] version = RocksDB.rocksdbVersion().toString().split("\\.");
        assertThat(Integer.parseInt(version[0]) * 100 + Integer.parseInt(version[1])).isGreaterThanOrEqualTo(1010);
    }

    @Test
    void shouldRefuseANonPositiveBudget() {
        assertThatThrownBy(() -> configured(Stores.CONTRIBUTIONS, Map.of(BoundedMemoryRocksDbConfig.TOTAL_BYTES, "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(BoundedMemoryRocksDbConfig.TOTAL_BYTES);
    }

    private static byte[] key(int i) {
        return ("terra:tx-" + Integer.toHexString(i * 7919) + ":0:" + i).getBytes(StandardCharsets.UTF_8);
    }
}
