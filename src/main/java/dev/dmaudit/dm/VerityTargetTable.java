package dev.dmaudit.dm;

import java.util.ArrayList;
import java.util.List;

/**
 * Table parameters of a {@code verity} target.
 *
 * @param version        on-disk format version
 * @param dataDevice     device holding the data
 * @param hashDevice     device holding the hash tree
 * @param dataBlockSize  data block size in bytes
 * @param hashBlockSize  hash block size in bytes
 * @param dataBlocks     number of data blocks
 * @param hashStartBlock first hash block on the hash device
 * @param algorithm      hash algorithm
 * @param rootDigest     root hash, hex (public by design)
 * @param salt           salt, hex, or {@code -}
 * @param options        optional arguments (the count is not kept)
 */
public record VerityTargetTable(int version, String dataDevice, String hashDevice, int dataBlockSize,
                                int hashBlockSize, long dataBlocks, long hashStartBlock, String algorithm,
                                String rootDigest, String salt, List<String> options) implements TargetTable {

    /** Copies the options so the record stays immutable. */
    public VerityTargetTable {
        options = List.copyOf(options);
    }

    @Override
    public List<String> params() {
        List<String> p = new ArrayList<>(List.of(Integer.toString(version), dataDevice, hashDevice,
                Integer.toString(dataBlockSize), Integer.toString(hashBlockSize), Long.toString(dataBlocks),
                Long.toString(hashStartBlock), algorithm, rootDigest, salt));
        if (!options.isEmpty()) {
            p.add(Integer.toString(options.size()));
            p.addAll(options);
        }
        return List.copyOf(p);
    }
}
