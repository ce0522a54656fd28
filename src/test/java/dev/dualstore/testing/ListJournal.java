package dev.dualstore.testing;

import java.util.ArrayList;
import java.util.List;

/** An in-memory {@link Journal}. Threadsafe. */
public class ListJournal implements Journal {
    private final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void append(String line) {
        lines.add(line);
    }

    @Override
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
