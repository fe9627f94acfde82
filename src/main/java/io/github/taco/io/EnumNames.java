package io.github.taco.io;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Settings that take one of a few names (negatives, similarity, split, ...) are enums; this is the one
 * parser they share. A value matches an enum constant's names case-insensitively and without surrounding
 * spaces; anything else is an error that lists the names: {@code negatives must be cascade, random or full,
 * got 'hard'}.
 */
public final class EnumNames {
    private EnumNames() {}

    /** The constant whose lower-case name is {@code value} (any case). */
    public static <E extends Enum<E>> E parse(Class<E> type, String value, String what) {
        return parse(type, value, what, e -> List.of(e.name().toLowerCase(Locale.ROOT)));
    }

    /**
     * The constant one of whose {@code names} is {@code value} (any case); the first name of each is the one
     * the error lists.
     */
    public static <E extends Enum<E>> E parse(Class<E> type, String value, String what,
            Function<E, Collection<String>> names) {
        String v = value == null ? "" : value.strip();
        for (E e : type.getEnumConstants()) {
            for (String n : names.apply(e)) {
                if (n.equalsIgnoreCase(v)) {
                    return e;
                }
            }
        }
        List<String> first = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            first.add(names.apply(e).iterator().next());
        }
        throw new IllegalArgumentException(what + " must be " + choices(first) + ", got '" + value + "'");
    }

    /** "a", "a or b", "a, b or c". */
    public static String choices(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }
}
