package dev.align4j.spark;

import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Opens the Spark session a job runs in. The master comes from, in order: {@code --master}; the {@code spark.master}
 * property that {@code spark-submit} sets; else the embedded {@code local[*]}. A session already open in this JVM
 * (a test class's shared one, or the one spark-submit started) is reused and left open on {@link Handle#close()}.
 *
 * <p>Defaults for an embedded driver: no web UI, the driver bound to loopback only, and Spark's own logging kept
 * at WARN.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /** A session and whether closing the handle stops it. */
  public record Handle(SparkSession session, boolean owned) implements AutoCloseable {
    @Override
    public void close() {
      if (owned) {
        session.stop();
      }
    }
  }

  /** The session for a job; {@code master} overrides the spark-submit/default master when present. */
  public static Handle open(Optional<String> master, String appName) {
    return open(master, appName, Map.of());
  }

  /** As above, with extra settings ({@code spark-submit --conf} pairs) for a session this call starts. */
  public static Handle open(Optional<String> master, String appName, Map<String, String> settings) {
    Optional<SparkSession> active = live(SparkSession.getActiveSession())
        .or(() -> live(SparkSession.getDefaultSession()));
    if (active.isPresent()) {
      return new Handle(active.get(), false);
    }
    SparkConf conf = new SparkConf().setAppName(appName);
    settings.forEach(conf::set);
    String chosen = master.orElse(conf.get("spark.master", "local[*]"));
    conf.setMaster(chosen);
    if (chosen.startsWith("local")) {
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.sql.shuffle.partitions", "8");
    }
    SparkSession session = SparkSession.builder().config(conf).getOrCreate();
    session.sparkContext().setLogLevel("WARN");
    return new Handle(session, true);
  }

  /** The session, unless absent or already stopped (Spark keeps a stopped one registered). */
  private static Optional<SparkSession> live(scala.Option<SparkSession> session) {
    return session.isDefined() && !session.get().sparkContext().isStopped()
        ? Optional.of(session.get()) : Optional.empty();
  }
}
