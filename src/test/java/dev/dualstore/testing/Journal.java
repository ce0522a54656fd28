package dev.dualstore.testing;

import dev.dualstore.Read;
import dev.dualstore.Write;
import java.util.List;

/** A DAO without a key: every write shares one ordered lane per secondary, reads are unordered tasks. */
public interface Journal {
    @Write
    void append(String line);

    @Read
    List<String> lines();
}
