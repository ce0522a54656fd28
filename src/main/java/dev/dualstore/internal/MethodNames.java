package dev.dualstore.internal;

import java.util.List;

/** How {@code classifyByName()} reads a method's name: the verb it starts with. Stateless. */
final class MethodNames {
    private static final List<String> READS = List.of("find", "get", "read", "query", "search", "stream", "count", "exists");
    private static final List<String> WRITES = List.of("save", "insert", "update", "delete", "remove");

    private MethodNames() {}

    /** @return the kind the name's first word says, or null if it starts with none of the verbs */
    static EngineConfig.Kind kindOf(String name) {
        if (startsWithWord(name, READS)) {
            return EngineConfig.Kind.READ;
        }
        return startsWithWord(name, WRITES) ? EngineConfig.Kind.WRITE : null;
    }

    /** The verb is the whole name or a camel-case word of it: {@code findById}, {@code save}, not {@code finder}. */
    private static boolean startsWithWord(String name, List<String> verbs) {
        for (String verb : verbs) {
            if (name.startsWith(verb) && (name.length() == verb.length() || !Character.isLowerCase(name.charAt(verb.length())))) {
                return true;
            }
        }
        return false;
    }
}
