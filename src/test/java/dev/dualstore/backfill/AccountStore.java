package dev.dualstore.backfill;

import dev.dualstore.Key;
import dev.dualstore.Read;
import dev.dualstore.Write;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import dev.dualstore.table.Table;
import java.util.List;

/** A DAO over an {@code accounts (id bigint key, balance bigint, note text)} table, for backfills under live writes. */
public interface AccountStore {
    @Read
    Long balance(@Key long id);

    @Write
    void put(@Key long id, long balance, String note);

    @Write
    void remove(@Key long id);

    /** The DAO over one table. */
    static AccountStore over(Table table) {
        return new AccountStore() {
            @Override
            public Long balance(long id) {
                Row row = table.read(List.of(RowKey.of(id))).get(RowKey.of(id));
                return row == null ? null : row.get("balance", Long.class);
            }

            @Override
            public void put(long id, long balance, String note) {
                table.upsert(List.of(Row.builder().set("id", id).set("balance", balance).set("note", note).build()));
            }

            @Override
            public void remove(long id) {
                table.delete(List.of(RowKey.of(id)));
            }
        };
    }
}
