package dev.starfall.projections;

import java.util.Map;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
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
 */
public final class BoundedMemoryRocksDbConfig implements RocksDBConfigSetter {

    public static final String TOTAL_BYTES = "starfall.rocksdb.total.memory.bytes";
    public static final String MEMTABLE_SHARE_PERCENT = "starfall.rocksdb.memtable.share.percent";
    static final long DEFAULT_TOTAL_BYTES = 256L << 20;
    static final int DEFAULT_MEMTABLE_SHARE_PERCENT = 50;

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
