package com.snapasset.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.spi.CatalogPage;
import com.snapasset.spi.GenerationRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 10 000 generations (two images each) across 100 users: the "latest 20" query must come off the
 * index {@code (user_id, created_at DESC, id DESC)} and return exactly the newest 20 in order. The
 * plans are printed to the test output for the record.
 */
class LatestQueryPlanTest {
  private static final int GENERATIONS = 10_000;
  private static final int USERS = 100;
  private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");
  private static final String USER = "user-42";

  private static TestPostgres.Database db;
  private static JdbcGenerationCatalog catalog;

  @BeforeAll
  static void fill() {
    db = TestPostgres.newDatabase();
    catalog = JdbcGenerationCatalog.builder().dataSource(db.dataSource()).build();
    // Generation n belongs to user n % 100 and was created at BASE + (n * 7919 mod 10007)
    // seconds: times scattered (and distinct) with no relation to insertion order.
    db.execute(
        "INSERT INTO generations (id, job_id, user_id, prompt, model, quality, style, image_size,"
            + " provider, cost_usd, created_at)"
            + " SELECT 'gen-' || n, 'job-' || n, 'user-' || (n % "
            + USERS
            + "),"
            + " 'prompt ' || n, 'dall-e-3', 'standard', 'vivid', '1024x1024', 'openai', 0.04,"
            + " TIMESTAMPTZ '2026-01-01 00:00:00+00' + ((n * 7919) % 10007) * INTERVAL '1 second'"
            + " FROM generate_series(0, "
            + (GENERATIONS - 1)
            + ") AS n",
        "INSERT INTO generated_images (generation_id, position, platform_id, platform_name, width,"
            + " height, format, byte_size, storage_key, url)"
            + " SELECT g.id, p.pos, p.pid, p.pname, p.w, p.h, 'JPEG', 100000, g.id || '/' || p.pid,"
            + " 'https://cdn.example.com/' || g.id || '/' || p.pid"
            + " FROM generations g CROSS JOIN (VALUES (0, 'instagram-post', 'Instagram Post', 1080,"
            + " 1080), (1, 'twitter-post', 'Twitter Post', 1200, 675)) AS p(pos, pid, pname, w, h)",
        "ANALYZE generations",
        "ANALYZE generated_images");
  }

  @AfterAll
  static void close() {
    catalog.close();
  }

  /** The ids of USER's generations, newest first, computed from the fill formula. */
  private static List<String> expectedNewestFirst() {
    return IntStream.range(0, GENERATIONS)
        .filter(n -> n % USERS == 42)
        .boxed()
        .sorted(Comparator.comparingLong((Integer n) -> (n * 7919L) % 10007).reversed())
        .map(n -> "gen-" + n)
        .toList();
  }

  @Test
  void theGuidesLatestTwentyQueryReadsTheIndexWithoutSorting() throws SQLException {
    String plan =
        explain(
            "SELECT * FROM generations WHERE user_id = ? ORDER BY created_at DESC LIMIT 20", USER);
    System.out.println("guide query plan:\n" + plan);

    assertThat(plan).contains("Index Scan using idx_generations_user_created on generations");
    assertThat(plan).doesNotContain("Seq Scan").doesNotContain("Sort");
    assertThat(plan).contains("rows=20 loops=1");
  }

  @Test
  void theCatalogsPageQueryReadsTheIndexAndReturnsExactlyTheNewestTwenty() throws SQLException {
    String plan = explain(CatalogSql.LATEST, USER, 21);
    System.out.println("catalog first-page plan:\n" + plan);

    assertThat(plan).contains("Index Scan using idx_generations_user_created on generations");
    assertThat(plan).doesNotContain("Seq Scan on generations");

    CatalogPage page = catalog.latest(USER, 20, null);
    List<String> expected = expectedNewestFirst();
    assertThat(page.items())
        .extracting(GenerationRecord::generationId)
        .containsExactlyElementsOf(expected.subList(0, 20));
    assertThat(page.items()).allSatisfy(g -> assertThat(g.assets()).hasSize(2));
    assertThat(page.items())
        .extracting(GenerationRecord::createdAt)
        .isSortedAccordingTo(Comparator.reverseOrder());
    assertThat(page.nextCursor()).isNotNull();
  }

  @Test
  void laterPagesStartAtTheCursorInTheIndex() throws SQLException {
    CatalogPage first = catalog.latest(USER, 20, null);
    Cursor cursor = Cursor.decode(first.nextCursor());

    String plan =
        explain(
            CatalogSql.LATEST_AFTER,
            USER,
            CatalogSql.timestamp(cursor.createdAt()),
            cursor.id(),
            21);
    System.out.println("catalog next-page plan:\n" + plan);

    assertThat(plan).contains("Index Scan using idx_generations_user_created on generations");
    // The keyset is an index condition: the scan starts at the cursor, skipping nothing.
    assertThat(plan).containsPattern("Index Cond: .*user_id.*ROW\\(created_at, \\(?id");

    List<String> walked = new ArrayList<>();
    String next = null;
    do {
      CatalogPage page = catalog.latest(USER, 20, next);
      page.items().forEach(g -> walked.add(g.generationId()));
      next = page.nextCursor();
    } while (next != null && walked.size() <= GENERATIONS);
    assertThat(walked).containsExactlyElementsOf(expectedNewestFirst());
  }

  private static String explain(String sql, Object... params) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      return plan.toString();
    }
  }
}
