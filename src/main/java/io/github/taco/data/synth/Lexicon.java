package io.github.taco.data.synth;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The words of the synthetic benchmark. Each concept has synonyms; every content word names exactly
 * one concept (checked at class load), so a caption can be parsed back to its concepts. Function
 * words, fillers and decorative adjectives never name a concept: they carry no signal.
 */
public final class Lexicon {
    private Lexicon() {}

    /** Kinds of concept, in the order of {@link Step}'s fields. */
    public enum Kind { VERB, OBJECT, ATTRIBUTE, AMOUNT, TOOL, PLACE }

    /** Verbs: each synonym as {base form, -ing form}. */
    static final String[][][] VERBS = {
        {{"cut", "cutting"}, {"slice", "slicing"}, {"chop", "chopping"}},
        {{"add", "adding"}, {"put", "putting"}, {"toss", "tossing"}},
        {{"mix", "mixing"}, {"stir", "stirring"}, {"combine", "combining"}},
        {{"fry", "frying"}, {"saute", "sauteing"}, {"sear", "searing"}},
        {{"boil", "boiling"}, {"simmer", "simmering"}},
        {{"pour", "pouring"}, {"drizzle", "drizzling"}},
        {{"season", "seasoning"}, {"sprinkle", "sprinkling"}},
        {{"wash", "washing"}, {"rinse", "rinsing"}, {"clean", "cleaning"}},
        {{"peel", "peeling"}, {"skin", "skinning"}},
        {{"spread", "spreading"}, {"smear", "smearing"}},
        {{"grate", "grating"}, {"shred", "shredding"}},
        {{"bake", "baking"}, {"roast", "roasting"}},
        {{"knead", "kneading"}, {"press", "pressing"}},
        {{"roll", "rolling"}, {"flatten", "flattening"}},
        {{"whisk", "whisking"}, {"beat", "beating"}},
        {{"drain", "draining"}, {"strain", "straining"}},
        {{"flip", "flipping"}, {"turn", "turning"}},
        {{"remove", "removing"}, {"lift", "lifting"}},
        {{"mash", "mashing"}, {"crush", "crushing"}},
        {{"place", "placing"}, {"lay", "laying"}, {"set", "setting"}},
        {{"heat", "heating"}, {"warm", "warming"}},
        {{"blend", "blending"}, {"puree", "pureeing"}},
        {{"grill", "grilling"}, {"barbecue", "barbecuing"}},
        {{"marinate", "marinating"}, {"soak", "soaking"}},
    };

    static final String[][] OBJECTS = {
        {"onion", "onions"}, {"tomato", "tomatoes"}, {"garlic"}, {"potato", "potatoes", "spuds"}, {"carrot", "carrots"},
        {"pepper", "peppers"}, {"chicken", "poultry"}, {"beef", "steak"}, {"pork"}, {"fish", "fillet", "salmon"},
        {"shrimp", "prawns"}, {"egg", "eggs"}, {"flour"}, {"butter"}, {"oil"},
        {"cheese"}, {"bread", "loaf"}, {"rice"}, {"pasta", "noodles", "spaghetti"}, {"sauce", "gravy"},
        {"milk"}, {"sugar"}, {"salt"}, {"lettuce", "greens"}, {"cucumber", "cucumbers"},
        {"mushroom", "mushrooms"}, {"dough", "pastry"}, {"lemon", "lemons"}, {"ginger"}, {"cabbage"},
        {"broccoli"}, {"spinach"}, {"beans", "bean"}, {"corn"}, {"tofu"},
        {"bacon"}, {"sausage", "sausages"}, {"apple", "apples"}, {"banana", "bananas"}, {"chocolate", "cocoa"},
    };

    /** Visible states of the object; always said before the object's name. */
    static final String[][] ATTRIBUTES = {
        {"red"}, {"green"}, {"yellow"}, {"white"}, {"brown", "golden"},
        {"fresh"}, {"frozen", "chilled"}, {"raw", "uncooked"},
        {"small", "tiny"}, {"large", "huge"},
    };

    /** How much of the object the step handles; said as "a AMOUNT of ...". */
    static final String[][] AMOUNTS = {
        {"cup", "cups"}, {"pinch"}, {"handful", "fistful"}, {"piece", "pieces", "chunk", "chunks"}, {"bunch"},
        {"spoonful", "tablespoon"},
    };

    static final String[][] TOOLS = {
        {"knife", "blade"}, {"spoon"}, {"spatula", "turner"}, {"fork"}, {"ladle"}, {"tongs"}, {"peeler"}, {"brush"},
        {"scissors", "shears"}, {"mallet", "hammer"},
    };

    static final String[][] PLACES = {
        {"pan", "skillet"}, {"pot", "saucepan"}, {"bowl"}, {"board"}, {"tray"}, {"plate", "dish"}, {"wok"},
        {"jar", "container"},
    };

    /** Words that decorate a caption without meaning anything visual. */
    static final List<String> DECORATIVE = List.of("nice", "good", "lovely", "beautiful", "tasty", "delicious");
    static final List<String> ARTICLES = List.of("the", "a", "some", "your", "our", "this");
    static final List<String> IMPERATIVE_FILLERS = List.of("now", "next", "then", "first", "after that",
            "now we are going to", "next you want to", "let's", "we will", "go ahead and", "i am going to",
            "you need to", "now just", "and then", "okay so now we", "here we", "so we");
    static final List<String> PROGRESSIVE_FILLERS = List.of("i am", "we are", "now i am", "here we are", "next we are",
            "so i am");
    static final List<String> TAILS = List.of("for a few minutes", "like this", "until it looks right",
            "and that is it", "right here", "really well", "for a bit", "as you can see");
    static final List<String> TOOL_PREPS = List.of("with", "using");
    static final List<String> AMOUNT_LINKS = List.of("of");
    static final List<String> PLACE_PREPS = List.of("in", "on", "into", "onto");
    static final List<String> OFF_TOPIC = List.of("do not forget to subscribe to my channel",
            "thanks so much for watching", "this recipe is from my grandmother",
            "let me know in the comments what you think", "the weather is really nice today",
            "my kids love this one", "the link is in the description", "okay so that was a long day",
            "hello everyone and welcome back", "music playing in the background", "sorry about the noise",
            "if you like this video give it a thumbs up");

    /** Parsed concept: kind and id. */
    public record Word(Kind kind, int id) {}

    private static final Map<String, Word> WORDS = new HashMap<>();

    static {
        for (int v = 0; v < VERBS.length; v++) {
            for (String[] forms : VERBS[v]) {
                for (String f : forms) {
                    put(f, new Word(Kind.VERB, v));
                }
            }
        }
        putAll(OBJECTS, Kind.OBJECT);
        putAll(ATTRIBUTES, Kind.ATTRIBUTE);
        putAll(AMOUNTS, Kind.AMOUNT);
        putAll(TOOLS, Kind.TOOL);
        putAll(PLACES, Kind.PLACE);
        for (List<String> noise : List.of(DECORATIVE, ARTICLES, IMPERATIVE_FILLERS, PROGRESSIVE_FILLERS, TAILS,
                TOOL_PREPS, PLACE_PREPS, AMOUNT_LINKS, OFF_TOPIC)) {
            for (String phrase : noise) {
                for (String w : phrase.split(" ")) {
                    if (WORDS.containsKey(w)) {
                        throw new IllegalStateException("function word '" + w + "' also names a concept");
                    }
                }
            }
        }
    }

    private static void putAll(String[][] table, Kind kind) {
        for (int i = 0; i < table.length; i++) {
            for (String w : table[i]) {
                put(w, new Word(kind, i));
            }
        }
    }

    private static void put(String w, Word c) {
        Word old = WORDS.put(w, c);
        if (old != null && !old.equals(c)) {
            throw new IllegalStateException("word '" + w + "' names two concepts: " + old + " and " + c);
        }
    }

    /** The concept a word names, or null for a word that names none. */
    public static Word lookup(String word) {
        return WORDS.get(word.toLowerCase());
    }

    /**
     * The concepts a caption names, as {verb, object, attribute, amount, tool, place}; -1 where it names
     * none of that kind (the last mention wins when a kind is named twice).
     */
    public static int[] parse(String caption) {
        int[] out = {-1, -1, -1, -1, -1, -1};
        for (String w : caption.toLowerCase().split("[^a-z]+")) {
            Word c = WORDS.get(w);
            if (c != null) {
                out[c.kind().ordinal()] = c.id();
            }
        }
        return out;
    }

    /** The first name of a concept (for reports). */
    public static String name(Kind kind, int id) {
        return switch (kind) {
            case VERB -> VERBS[id][0][0];
            case OBJECT -> OBJECTS[id][0];
            case ATTRIBUTE -> ATTRIBUTES[id][0];
            case AMOUNT -> AMOUNTS[id][0];
            case TOOL -> TOOLS[id][0];
            case PLACE -> PLACES[id][0];
        };
    }

    /** How many concepts of a kind the lexicon has. */
    public static int size(Kind kind) {
        return switch (kind) {
            case VERB -> VERBS.length;
            case OBJECT -> OBJECTS.length;
            case ATTRIBUTE -> ATTRIBUTES.length;
            case AMOUNT -> AMOUNTS.length;
            case TOOL -> TOOLS.length;
            case PLACE -> PLACES.length;
        };
    }
}
