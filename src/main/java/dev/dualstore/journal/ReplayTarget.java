package dev.dualstore.journal;

import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import dev.dualstore.table.Table;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Where a replayer applies entries: a batch at a time, on the replayer's thread. */
interface ReplayTarget {
    /**
     * Applies entries in position order.
     *
     * @throws ReplayException naming the first entry that could not be applied
     */
    void apply(String replay, EntryReader.Batch batch);

    /** Replays each entry's operation: the method it names, with its decoded arguments, on a DAO. */
    final class Operations implements ReplayTarget {
        private final Object dao;
        private final ArgumentCodec codec;
        private final Map<String, Method> methods = new HashMap<>();

        Operations(Object dao, ArgumentCodec codec) {
            this.dao = dao;
            this.codec = codec;
            for (Class<?> c = dao.getClass(); c != null; c = c.getSuperclass()) {
                for (Class<?> type : c.getInterfaces()) {
                    collect(type);
                }
            }
            if (methods.isEmpty()) {
                throw new IllegalArgumentException("replay target " + dao.getClass().getName()
                        + " implements no public interface; replay calls the journaled methods through one");
            }
        }

        private void collect(Class<?> type) {
            if (!Modifier.isPublic(type.getModifiers())) {
                return;
            }
            for (Method m : type.getMethods()) {
                methods.putIfAbsent(ArgumentCodec.signature(m), m);
            }
        }

        @Override
        public void apply(String replay, EntryReader.Batch batch) {
            for (JournalEntry e : batch.entries()) {
                Method m = methods.get(e.method());
                if (m == null) {
                    throw batch.failure(replay, e, "calls " + e.method() + ", which "
                            + dao.getClass().getName() + " does not implement", null);
                }
                Object[] args;
                try {
                    args = codec.decode(m, e.arguments());
                } catch (RuntimeException ex) {
                    throw batch.failure(replay, e, "has arguments that cannot be decoded for "
                            + e.method() + ": " + ex.getMessage(), ex);
                }
                try {
                    m.invoke(dao, args);
                } catch (InvocationTargetException ex) {
                    if (!e.threw()) {
                        throw batch.failure(replay, e, "failed on the target: " + ex.getCause(),
                                ex.getCause());
                    }
                    // The primary threw too (an expected exception): the target agrees.
                } catch (IllegalAccessException ex) {
                    throw batch.failure(replay, e, "cannot call " + e.method() + ": " + ex, ex);
                }
            }
        }
    }

    /**
     * Replays each entry's key: re-reads the key's current row from the primary's table and
     * upserts it into the target, or deletes it there when the primary has none. Idempotent, and
     * writes to one key converge whatever order their entries have.
     */
    final class Keys implements ReplayTarget {
        private final Table primary;
        private final Table target;
        private final Function<Object, RowKey> rowKey;

        Keys(Table primary, Table target, Function<Object, RowKey> rowKey) {
            this.primary = primary;
            this.target = target;
            this.rowKey = rowKey;
        }

        @Override
        public void apply(String replay, EntryReader.Batch batch) {
            List<JournalEntry> entries = batch.entries();
            Set<RowKey> keys = new LinkedHashSet<>();
            for (JournalEntry e : entries) {
                if (e.key() == null) {
                    throw batch.failure(replay, e, "(" + e.method() + ") has no key; replay by key"
                            + " needs one", null);
                }
                try {
                    keys.add(rowKey.apply(e.decodedKey()));
                } catch (RuntimeException ex) {
                    throw batch.failure(replay, e, "has a key that is not one of "
                            + primary.name() + "'s: " + ex.getMessage(), ex);
                }
            }
            JournalEntry first = entries.get(0);
            try {
                Map<RowKey, Row> current = primary.read(keys);
                List<Row> present = new ArrayList<>(current.values());
                List<RowKey> gone = new ArrayList<>();
                for (RowKey k : keys) {
                    if (!current.containsKey(k)) {
                        gone.add(k);
                    }
                }
                if (!present.isEmpty()) {
                    target.upsert(present);
                }
                if (!gone.isEmpty()) {
                    target.delete(gone);
                }
            } catch (RuntimeException ex) {
                throw batch.failure(replay, first, "(or one up to " + batch.where(batch.last()) + ") could not be copied from " + primary.name()
                        + " to " + target.name() + ": " + ex.getMessage(), ex);
            }
        }

        /** The default key mapping: a list (a composite key) is the key's values; anything else the one value. */
        static RowKey rowKey(Object key) {
            return key instanceof List<?> parts ? RowKey.of(parts) : RowKey.of(key);
        }
    }
}
