package dev.starfall.projections;

import java.util.Map;
import java.util.Set;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the memory of every RocksDB store of this process: one block cache shared by all stores,
 * with memtables charged to it through a {@link WriteBufferManager}, and index and filter blocks
 * kept inside the cache. Without it each store (and each partition of it) sizes its own caches and
 * memtables, and memory grows with the number of partitions.
 *
 * <p>Settings, read from the Streams config: {@value #TOTAL_BYTES} (default 256 MiB) and
 * {@value #MEMTABLE_SHARE_PERCENT} (default 50). The memtable budget is shared by every store of
 * every task (about 50 RocksDB instances at 6 partitions): at 32 MiB (128 MiB, 25 %) they flushed
 * tiny files constantly and a build ran at a third of the speed it reaches with 128 MiB of
 * memtables (ops/bench/REPORT.md).
 *
 * <p>The stores read by key ({@link #POINT_READ_STORES}) also get a whole-key Bloom filter on their
 * memtables: nearly every read of the build is a miss (a new transfer id, a wallet's first
 * contribution to a shower), and without it a miss searches the memtable's skip list all the way
 * down before the SST files' own Bloom filters answer. For the same reason they keep the Bloom
 * filter of their last level, which Kafka Streams drops ({@code optimize_filters_for_hits}, set
 * for every store): that level holds most of a store's keys, and without its filter every miss
 * searches its index and a data block (ops/bench/REPORT.md, row 57). Their filters and indexes are
 * partitioned ({@link #METADATA_BLOCK_BYTES}), so that a miss in a large table file caches only the
 * part of its filter it needs (row 72).
 */
public final class BoundedMemoryRocksDbConfig implements RocksDBConfigSetter {

    public static final String TOTAL_BYTES = "starfall.rocksdb.total.memory.bytes";
    public static final String MEMTABLE_SHARE_PERCENT = "starfall.rocksdb.memtable.share.percent";
    static final long DEFAULT_TOTAL_BYTES = 256L << 20;
    static final int DEFAULT_MEMTABLE_SHARE_PERCENT = 50;
    /** Stores whose reads are point lookups, mostly misses; the rankings and the meteors are only scanned and are left out. */
    static final Set<String> POINT_READ_STORES = Set.of(Stores.TRANSFER_IDS, Stores.CONTRIBUTIONS, Stores.TELESCOPE);
    /**
     * Memtable Bloom filter size as a share of the write buffer: 2 % of Kafka Streams' 16 MiB is
     * 2.7 Mbit, about 18 bits for each of the 150,000 or so entries such a memtable holds.
     */
    static final double MEMTABLE_BLOOM_RATIO = 0.02;
    /**
     * RocksDB info logs kept per store, the current one included (so one {@code LOG.old.<time>}).
     * Every open of a store starts a new log and keeps the last as {@code LOG.old.<time>}, up to
     * RocksDB's default of 1,000; Kafka Streams opens each store twice per start (for its offsets,
     * then for its task), so a state directory gathered about a hundred empty files per restart
     * (Streams logs RocksDB at ERROR only).
     */
    static final long KEPT_INFO_LOGS = 2;

    /**
     * Threads that open a store's table files when it opens. RocksDB's default, 16, starts 15
     * threads for every column family of every open and joins them, however few files there are
     * (Kafka Streams' stores have two column families, and a few to a few dozen files each here);
     * with 1 the opening thread reads the files itself (ops/bench/REPORT.md, row 55).
     */
    static final int FILE_OPENING_THREADS = 1;

    /**
     * Size of each partition of the filters and indexes of the stores read by key: a miss brings
     * into the block cache the one partition its key needs, and only the small top level stays
     * pinned. Whole, the Bloom filter of one table file of a large store (a compaction's output of
     * up to 64 MiB: some millions of keys, some MiB of filter at 10 bits a key) did not stay in
     * its shard of the cache (64 shards of 4 MiB at 256 MiB, with the memtables charged to them),
     * so the misses of a 10 M build read it back from the file again and again: 7.5 % of the stream
     * threads' CPU, 16.6 % once the transfer ids' keys were shorter and each file held more of them
     * (ops/bench/REPORT.md, row 72).
     */
    static final long METADATA_BLOCK_BYTES = 4096;

    private static Cache cache;
    private static WriteBufferManager writeBufferManager;

    private static synchronized void init(long total, int memtablePercent) {
        if (cache == null) {
            // strict capacity limit off: a full cache evicts rather than failing reads
            cache = new LRUCache(total, -1, false, 0.1);
            writeBufferManager = new WriteBufferManager(total * memtablePercent / 100, cache);
        }
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        init(longSetting(configs, TOTAL_BYTES, DEFAULT_TOTAL_BYTES), (int) longSetting(configs, MEMTABLE_SHARE_PERCENT, DEFAULT_MEMTABLE_SHARE_PERCENT));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(writeBufferManager);
        options.setKeepLogFileNum(KEPT_INFO_LOGS);
        options.setMaxFileOpeningThreads(FILE_OPENING_THREADS);
        if (POINT_READ_STORES.contains(storeName)) {
            options.setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO);
            options.setMemtableWholeKeyFiltering(true);
            options.setOptimizeFiltersForHits(false);
            table.setIndexType(IndexType.kTwoLevelIndexSearch);
            table.setPartitionFilters(true);
            table.setMetadataBlockSize(METADATA_BLOCK_BYTES);
        }
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and write buffer manager are shared by every store of the process: never closed per store
    }

    private static long longSetting(Map<String, Object> configs, String key, long dflt) {
        Object v = configs.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            long parsed = Long.parseLong(v.toString().trim());
            if (parsed <= 0) {
                throw new IllegalArgumentException(key + " must be positive, got " + v);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'", e);
        }
    }
}
