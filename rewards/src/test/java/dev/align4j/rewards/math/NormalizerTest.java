package dev.align4j.rewards.math;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One rule per row; the expected strings follow the MATH and Minerva normalizers' documented behaviour. */
class NormalizerTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "\\left( 3, 4 \\right)       | (3,4)",
      "\\dfrac{1}{2}               | \\frac{1}{2}",
      "\\tfrac{1}{2}               | \\frac{1}{2}",
      "5\\text{ cm}^2              | 5",
      "10 \\text{dollars}          | 10",
      "12 inches                   | 12",
      "\\text{Evelyn}              | Evelyn",
      "90^\\circ                   | 90",
      "90^{\\circ}                 | 90",
      "$42$                        | 42",
      "\\$1,000                    | 1000",
      "1,234,567.5                 | 1234567.5",
      "1\\,000                     | 1000",
      "14{,}916                    | 14916",
      "7.                          | 7",
      "2\\frac{1}{2}               | (2+1/2)",
      "2 1/2                       | (2+1/2)",
      "3\\!\\cdot\\!4              | 3\\cdot4",
      "x \\in [0,1]                | [0,1]",
      "\\approx 3.14               | 3.14",
      "infinity                    | \\infty",
      "12 \\text{ and } 13         | 12,13",
      "\\mathbf{v}                 | v",
      "\u22123                     | -3",
      "32,\\!349                  | 32349",
      "32,\\! 349                 | 32349",
      "3{,}4                       | 3,4",
      "5 million                   | 5 million",
      "5 squared                   | 5 squared",
      "5\\text{ thousand}          | 5 thousand",
      "12 square feet              | 12",
      "3 miles per hour            | 3",
      "5^{\\text{th}}              | 5",
      "6 ways                      | 6",
      "5 m                         | 5 m",
      "5\\text{ m}                 | 5",
      "x \\ge 2                    | x\\ge2",
      "x >= 2                      | x\\ge2",
  })
  void appliesEachRule(String raw, String expected) {
    assertEquals(expected.replace(" ", ""), Normalizer.normalize(raw.strip()).compact());
  }

  @Test
  void recordsPercentAndKeepsTheNumber() {
    Normalizer.Normalized n = Normalizer.normalize("28\\%");
    assertEquals("28", n.text());
    assertEquals(Normalizer.Scale.PERCENT, n.scale());
    assertEquals(Normalizer.Scale.PERCENT, Normalizer.normalize("28 percent").scale());
    assertEquals(Normalizer.Scale.PERCENT, Normalizer.normalize("28 percentage").scale());
    assertEquals("28", Normalizer.normalize("28 percentage").text());
    assertEquals(Normalizer.Scale.PLAIN, Normalizer.normalize("28").scale());
  }

  /** Each unit phrase is recorded by its canonical name, so that answers with different units can be refused. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "5 cm                     | cm",
      "5\\text{ centimeters}    | cm",
      "5\\text{ cm}^2           | cm^2",
      "12 square feet           | ft^2",
      "12 sq ft                 | ft^2",
      "3 miles per hour         | mi/h",
      "3 mph                    | mi/h",
      "\\$5                     | usd",
      "5 dollars                | usd",
      "90^\\circ                | deg",
      "90 degrees               | deg",
      "6 ways                   | ``",
      "6                        | ``",
  })
  void recordsTheCanonicalUnit(String raw, String unit) {
    assertEquals(unit, Normalizer.normalize(raw.strip()).unit());
  }

  @Test
  void aSpaceBetweenDigitsSurvivesTheCompactForm() {
    assertEquals("3 4", Normalizer.normalize("3 4").compact());
    assertEquals("x^2+1", Normalizer.normalize("x^2 + 1").compact());
  }

  @Test
  void commasOfAListAreNotThousandsSeparators() {
    assertEquals("1,2", Normalizer.normalize("1,2").compact());
    assertEquals("(1,100)", Normalizer.normalize("(1,100)").compact());
  }

  @Test
  void matrixRowBreaksSurvive() {
    String n = Normalizer.normalize("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}").text();
    assertEquals(2, AnswerParser.splitTop(n.substring(n.indexOf('}') + 1), Normalizer.ROW_BREAK).size());
  }
}
