package dev.align4j.rewards.math;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The known units that may follow a number without changing it ({@code 5 cm}, {@code 12 square feet},
 * {@code 3 miles per hour}, {@code 6 ways}), each with a canonical name so that two answers with different units
 * ({@code 5 cm} and {@code 5 m}) can be told apart.
 *
 * <pre>
 * phrase := item ('per' item)*
 * item   := ('square' | 'sq' | 'cubic') length | word ('^2' | '^3')?
 * </pre>
 *
 * Units of measure ({@code cm}, {@code hours}, {@code dollars}, {@code degrees}) have a canonical name;
 * count labels ({@code ways}, {@code students}, {@code units}) name nothing and are dropped. Words that change
 * the number ({@code million}, {@code thousand}, {@code squared}, {@code plus}, {@code times}, {@code percent})
 * are not units. One-letter units ({@code m}, {@code s}, {@code g}, {@code h}, {@code l}) count only inside
 * {@code \text{}}, where they cannot be a variable; abbreviations match case-sensitively ({@code M} is not
 * {@code m}).
 */
final class Units {

  /** Unit words by canonical name; a length may be squared or cubed. */
  private static final Map<String, String> CANONICAL = new HashMap<>();
  private static final Set<String> LENGTHS = Set.of("mm", "cm", "m", "km", "in", "ft", "yd", "mi");
  /** Count nouns that label a number without measuring it. */
  private static final Set<String> LABELS = Set.of(
      "unit", "units", "way", "ways", "student", "students", "people", "person", "persons", "digit", "digits",
      "integer", "integers", "number", "numbers", "edge", "edges", "vertex", "vertices", "face", "faces", "meal",
      "meals", "multiple", "multiples", "marble", "marbles", "apple", "apples", "book", "books", "point", "points",
      "item", "items", "page", "pages", "cookie", "cookies", "egg", "eggs", "ticket", "tickets", "child", "children",
      "coin", "coins", "card", "cards", "game", "games", "box", "boxes", "triangle", "triangles", "pair", "pairs",
      "term", "terms", "solution", "solutions", "root", "roots", "step", "steps", "tile", "tiles", "cube", "cubes");

  static {
    define("mm", "mm millimeter millimeters millimetre millimetres");
    define("cm", "cm centimeter centimeters centimetre centimetres");
    define("m", "m meter meters metre metres");
    define("km", "km kilometer kilometers kilometre kilometres");
    define("in", "in inch inches");
    define("ft", "ft foot feet");
    define("yd", "yd yard yards");
    define("mi", "mi mile miles");
    define("s", "s sec secs second seconds");
    define("min", "min mins minute minutes");
    define("h", "h hr hrs hour hours");
    define("day", "day days");
    define("week", "week weeks");
    define("month", "month months");
    define("year", "year years yr yrs");
    define("mg", "mg milligram milligrams");
    define("g", "g gram grams");
    define("kg", "kg kilogram kilograms");
    define("lb", "lb lbs pound pounds");
    define("oz", "oz ounce ounces");
    define("ton", "ton tons tonne tonnes");
    define("l", "l liter liters litre litres");
    define("ml", "ml milliliter milliliters millilitre millilitres");
    define("gal", "gal gallon gallons");
    define("qt", "qt quart quarts");
    define("pt", "pint pints");
    define("cup", "cup cups");
    define("mi/h", "mph");
    define("km/h", "kph");
    define("usd", "dollar dollars");
    define("cent", "cent cents");
    define("eur", "euro euros");
    define("deg", "deg degree degrees");
    define("rad", "rad radian radians");
  }

  private static void define(String canonical, String words) {
    for (String w : words.split(" ")) {
      CANONICAL.put(w, canonical);
    }
  }

  private Units() {}

  /** Whether {@code token} (a word, possibly with {@code ^2}/{@code ^3}) can be part of a unit phrase. */
  static boolean isUnitWord(String token, boolean bare) {
    String w = fold(stripPower(token));
    if (bare && w.length() < 2) {
      return false;
    }
    return CANONICAL.containsKey(w) || LABELS.contains(w) || w.equals("square") || w.equals("sq")
        || w.equals("cubic") || w.equals("per");
  }

  /**
   * The canonical name of a unit phrase ({@code "" } for labels only), or empty when {@code words} are not one.
   *
   * @param words the words of the phrase, in order
   * @param bare whether the words stand in plain text (one-letter units are then refused)
   */
  static Optional<String> phrase(List<String> words, boolean bare) {
    if (words.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder canonical = new StringBuilder();
    int i = 0;
    boolean expectItem = true;
    while (i < words.size()) {
      String w = fold(words.get(i));
      if (!isUnitWord(w, bare)) {
        return Optional.empty();
      }
      if (!expectItem) {
        if (!w.equals("per")) {
          return Optional.empty();
        }
        canonical.append('/');
        expectItem = true;
        i++;
        continue;
      }
      String power = "";
      if (w.equals("square") || w.equals("sq") || w.equals("cubic")) {
        power = w.equals("cubic") ? "^3" : "^2";
        if (++i >= words.size()) {
          return Optional.empty();
        }
        w = fold(words.get(i));
        if (!isUnitWord(w, bare) || !(LENGTHS.contains(CANONICAL.get(stripPower(w))) || LABELS.contains(w))) {
          return Optional.empty();
        }
      } else if (w.equals("per")) {
        return Optional.empty();
      }
      if (w.endsWith("^2") || w.endsWith("^3")) {
        power = w.substring(w.length() - 2);
        w = stripPower(w);
      }
      String name = CANONICAL.get(w);
      if (name != null) {
        if (!power.isEmpty() && !LENGTHS.contains(name)) {
          return Optional.empty();
        }
        canonical.append(name).append(power);
      }
      expectItem = false;
      i++;
    }
    return expectItem ? Optional.empty() : Optional.of(canonical.toString());
  }

  /**
   * Words are matched ignoring case ({@code Dollars}), abbreviations of up to three letters exactly:
   * {@code M} (million, molar) and {@code K} are not {@code m} and {@code k}.
   */
  private static String fold(String w) {
    return stripPower(w).length() <= 3 ? w : w.toLowerCase(Locale.ROOT);
  }

  private static String stripPower(String w) {
    return w.endsWith("^2") || w.endsWith("^3") ? w.substring(0, w.length() - 2) : w;
  }
}
