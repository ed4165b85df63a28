/**
 * Math answer checking for RL from verifiable rewards: {@link dev.align4j.rewards.math.MathVerifier} takes a
 * response and a gold answer and returns {@code correct} (reward 1), {@code incorrect} or {@code no_answer}
 * (reward 0).
 *
 * <p>Pipeline: extract the final answer in one pass (last {@code \boxed{}}, GSM8K {@code ####}, "the answer is",
 * and in the flexible mode the last standalone number) → normalize the string (MATH / Minerva rules, stricter about
 * what may be dropped) → read its shape (scalar, equation, interval, set, tuple, list, matrix, text) → compare:
 * exact {@link dev.align4j.rewards.math.Rational} arithmetic, then a randomized identity test.
 *
 * <p><b>Threat model.</b> An RL policy optimizes whatever the verifier pays for, so the rule is that the answer
 * must <i>equal</i> the gold, not contain or approximate it. A red-team pass on the previous grader found reward 1
 * for wrong or hedged answers in 25 of 43 adversarial cases; each class is now refused and pinned by
 * {@code math/adversarial.jsonl} ({@code attack: …} cases at reward 0, {@code keep: …} cases that graders accept
 * and we still do):
 *
 * <ul>
 *   <li><b>Units</b> come from a known list ({@code Units}: length, area, time, mass, volume, money, angle, rates,
 *       count labels such as "ways") and are dropped only after the number: {@code 5 cm}, {@code \$5},
 *       {@code 5 dollars}, {@code 5^\circ}, {@code 12 square feet}. Any other trailing word stays and spoils the
 *       answer: {@code 5 million}, {@code 5 squared}, {@code 5 plus one}, {@code 5 thousand}, {@code 5 (or six)}.
 *       Two answers with different known units ({@code 5 cm}, {@code 5 m}; {@code \$5}, {@code 5 cents}) differ.
 *   <li><b>Percent</b> changes the number unless the gold is a percentage: {@code 25\%} equals {@code 0.25} and
 *       the gold {@code 25\%}, not the gold {@code 25}; the gold {@code 28\%} accepts {@code 28} and {@code 0.28}.
 *   <li><b>Juxtaposition</b> of numbers is refused: {@code 3 4} is 34 in LaTeX and 12 in plain text; so are
 *       {@code x2}, {@code 2^3 4}. Thousands separators are read only as groups of three digits when the whole
 *       answer is one number ({@code 1,000}, {@code 32,\!349}, {@code 1\,000}, {@code 14{,}916}; {@code 3{,}4}
 *       is a list).
 *   <li><b>Equations</b> count against a scalar gold only as {@code variable = value}, every side after the
 *       variable equal to the gold ({@code x = 5}, {@code x = 2+3 = 5}; not {@code 41 = 42}, {@code 2x = 10},
 *       {@code x = 5 = 6}). Math-Verify reads {@code \frac12 = \frac{10}{9}} as its last side; we do not.
 *   <li><b>Numbers</b> are exact rationals: {@code 1000000008 != 1000000007}. A tolerance applies only to a
 *       decimal approximation that states at least 6 significant digits: it must be the other side correctly
 *       rounded to its last digit ({@code 0.333333} and {@code 0.3333333333} for {@code 1/3}, {@code 3.14159} for
 *       {@code \pi}; not {@code 0.333}, {@code 0.333334}, {@code 0.666666} for {@code 2/3}), and an integer is never
 *       approximated ({@code 1000000007.4}). This follows Math-Verify, which rounds both sides to 6 decimal places
 *       when one is a float (so it also refuses {@code 0.333} for {@code 1/3}, and open-instruct's sympy
 *       {@code simplify(a - b) == 0} refuses every inexact decimal), restated relative to the number's size so
 *       that {@code 0.000000001 != 0.000000002}. Other constants ({@code \sqrt{2}}, {@code \pi}) are compared in
 *       double precision to a relative {@code 1e-11}.
 *   <li><b>Identities</b> are tested at random rational points drawn per check from a generator seeded by the
 *       pair, not from a fixed public list; negatives included, exact where both sides are rational at the point.
 *       A point where only one side is undefined is a mismatch ({@code \sqrt{x}^2} is not {@code x}), unless both
 *       are finite right next to it (an isolated pole); points where both are undefined are drawn again.
 *   <li><b>Hedges</b> score 0: several candidates ({@code 5 or 6}, {@code 5, 6}, {@code 5 \pm 1},
 *       {@code $5$ or $6$} after "the answer is", {@code x = 5, x = 6}), a set or list where a number is expected,
 *       a last number that is only part of an expression ({@code \frac{1}{2}} is not 2). Only the last
 *       {@code \boxed{}} is graded, so several boxes cannot hedge either.
 *   <li><b>Sets</b> are not collapsed: {@code \{\{5\}\} != \{5\}}, {@code \{5\} != 5}; only a bare scalar answer
 *       equals a gold solution set of one member.
 *   <li><b>Work</b> is bounded: extraction is one forward pass plus a few scans of the chosen candidate (a
 *       constant times the response length; a 19 MB response is checked in a fraction of a second), and parsing
 *       and comparison run under a step budget and a deadline.
 * </ul>
 *
 * <p><b>Why no computer algebra system at run time.</b> Symja / matheclipse (the maintained Java CAS) gives true
 * symbolic simplification, but it is tens of megabytes of dependencies, takes seconds to initialize, and a single
 * {@code Simplify} can run for a long time on adversarial input — at odds with the ≥ 5,000 checks/s/core target,
 * the "every check bounded in time" rule and a pure-Java module with a small footprint. Answer checking needs
 * much less than a CAS: deciding whether two given expressions are equal. Exact rationals settle numbers, and
 * evaluation at random points settles identities with overwhelming probability (Schwartz–Zippel). Symja is used
 * at test scope only, as an independent oracle: {@code SymjaOracleTest} checks our verdict against its exact
 * normal form of {@code a - b} on random pairs of rational functions.
 *
 * <p>Known limits: no trigonometric degrees ({@code \sin 30^\circ} is read in radians after the degree sign is
 * dropped); {@code \log} is natural; answers that differ only on a set of measure zero (isolated poles) are equal;
 * expressions defined only far from the sampled range ({@code |x| <= 30}) cannot be confirmed equal and are
 * refused; non-rational expressions with variables are compared in double precision (relative {@code 1e-11}), so
 * a perturbation below that is not seen; a decimal approximation is recognized only as a bare number (not
 * {@code 0.333333x}, nor inside a percentage); inconsistent equation chains, non-listed units and trailing remarks
 * that Math-Verify or Minerva would drop are refused.
 */
package dev.align4j.rewards.math;
