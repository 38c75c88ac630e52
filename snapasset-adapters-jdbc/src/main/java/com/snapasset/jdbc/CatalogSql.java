package com.snapasset.jdbc;

import com.snapasset.Asset;
import com.snapasset.ImageOptions;
import com.snapasset.OutputFormat;
import com.snapasset.spi.GenerationRecord;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The statements of the catalog and the mapping between rows and records. Reads join a page of
 * generations to their images in one statement, so each result is one consistent snapshot.
 */
final class CatalogSql {
  private static final String COLUMNS =
      "g.id, g.job_id, g.user_id, g.prompt, g.revised_prompt, g.model, g.quality, g.style,"
          + " g.image_size, g.provider, g.cost_usd, g.created_at, i.position, i.platform_id,"
          + " i.platform_name, i.width, i.height, i.format, i.byte_size, i.storage_key, i.url";
  private static final String GENERATION_COLUMNS =
      "id, job_id, user_id, prompt, revised_prompt, model, quality, style, image_size, provider,"
          + " cost_usd, created_at";

  static final String INSERT_GENERATION =
      "INSERT INTO generations (" + GENERATION_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
  static final String INSERT_IMAGE =
      "INSERT INTO generated_images (generation_id, position, platform_id, platform_name, width,"
          + " height, format, byte_size, storage_key, url) VALUES (?,?,?,?,?,?,?,?,?,?)";
  static final String FIND =
      "SELECT "
          + COLUMNS
          + " FROM generations g"
          + " LEFT JOIN generated_images i ON i.generation_id = g.id"
          + " WHERE g.id = ? ORDER BY i.position";

  /** A user's newest generations; parameters: user id, limit. */
  static final String LATEST = latest("");

  /** The page after a cursor; parameters: user id, cursor time, cursor id, limit. */
  static final String LATEST_AFTER = latest(" AND (created_at, id) < (?, ?)");

  /** The oldest generations before a cutoff; parameters: cutoff, limit. */
  static final String OLDEST_BEFORE =
      "SELECT "
          + COLUMNS
          + " FROM (SELECT "
          + GENERATION_COLUMNS
          + " FROM generations"
          + " WHERE created_at < ? ORDER BY created_at, id FETCH FIRST ? ROWS ONLY) g"
          + " LEFT JOIN generated_images i ON i.generation_id = g.id"
          + " ORDER BY g.created_at, g.id, i.position";

  static final String DELETE = "DELETE FROM generations WHERE id = ?";
  static final String EXISTS = "SELECT 1 FROM generations WHERE id = ?";

  private CatalogSql() {}

  private static String latest(String keyset) {
    // The row comparison matches the index (user_id, created_at DESC, id DESC), so PostgreSQL
    // starts the scan at the cursor instead of skipping the rows of earlier pages.
    return "SELECT "
        + COLUMNS
        + " FROM (SELECT "
        + GENERATION_COLUMNS
        + " FROM generations"
        + " WHERE user_id = ?"
        + keyset
        + " ORDER BY created_at DESC, id DESC FETCH FIRST ? ROWS ONLY) g"
        + " LEFT JOIN generated_images i ON i.generation_id = g.id"
        + " ORDER BY g.created_at DESC, g.id DESC, i.position";
  }

  /** SQL timestamps hold microseconds; truncating here keeps what is stored predictable. */
  static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  static void insertGeneration(Connection c, GenerationRecord r) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT_GENERATION)) {
      ImageOptions image = r.image();
      ps.setString(1, r.generationId());
      setNullableString(ps, 2, r.jobId());
      ps.setString(3, r.userId());
      ps.setString(4, r.prompt());
      setNullableString(ps, 5, r.revisedPrompt());
      ps.setString(6, image.model());
      ps.setString(7, image.quality());
      ps.setString(8, image.style());
      ps.setString(9, image.size());
      ps.setString(10, r.provider());
      ps.setBigDecimal(11, r.costUsd());
      ps.setObject(12, timestamp(r.createdAt()));
      ps.executeUpdate();
    }
  }

  /** All images of a generation in one JDBC batch: one round trip, not one per image. */
  static void insertImages(Connection c, GenerationRecord r) throws SQLException {
    if (r.assets().isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(INSERT_IMAGE)) {
      int position = 0;
      for (Asset a : r.assets()) {
        ps.setString(1, r.generationId());
        ps.setInt(2, position++);
        ps.setString(3, a.platformId());
        ps.setString(4, a.platformName());
        ps.setInt(5, a.width());
        ps.setInt(6, a.height());
        ps.setString(7, a.format().name());
        ps.setLong(8, a.byteSize());
        ps.setString(9, a.key());
        ps.setString(10, a.url().toString());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void setNullableString(PreparedStatement ps, int index, @Nullable String value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value);
    }
  }

  /**
   * Reads joined rows (one per image, or one with null image columns for a generation without
   * images) into records, in the order of the rows.
   */
  static List<GenerationRecord> readRecords(ResultSet rs) throws SQLException {
    Map<String, Row> rows = new LinkedHashMap<>();
    while (rs.next()) {
      String id = rs.getString("id");
      Row row = rows.get(id);
      if (row == null) {
        row = new Row(rs);
        rows.put(id, row);
      }
      rs.getInt("position");
      if (!rs.wasNull()) {
        row.assets.add(readAsset(rs));
      }
    }
    List<GenerationRecord> records = new ArrayList<>(rows.size());
    for (Row row : rows.values()) {
      records.add(row.toRecord());
    }
    return records;
  }

  private static Asset readAsset(ResultSet rs) throws SQLException {
    String format = rs.getString("format");
    return new Asset(
        rs.getString("platform_id"),
        rs.getString("platform_name"),
        rs.getInt("width"),
        rs.getInt("height"),
        OutputFormat.parse(format)
            .orElseThrow(() -> new SQLException("unknown image format '" + format + "'", "22000")),
        rs.getLong("byte_size"),
        rs.getString("storage_key"),
        URI.create(rs.getString("url")));
  }

  /** The generation columns of one row, collecting the assets of the following rows. */
  private static final class Row {
    final GenerationRecord head;
    final List<Asset> assets = new ArrayList<>();

    Row(ResultSet rs) throws SQLException {
      head =
          new GenerationRecord(
              rs.getString("id"),
              rs.getString("job_id"),
              rs.getString("user_id"),
              rs.getString("prompt"),
              rs.getString("revised_prompt"),
              new ImageOptions(
                  rs.getString("model"),
                  rs.getString("quality"),
                  rs.getString("style"),
                  rs.getString("image_size")),
              rs.getString("provider"),
              rs.getBigDecimal("cost_usd"),
              rs.getObject("created_at", OffsetDateTime.class).toInstant(),
              List.of());
    }

    GenerationRecord toRecord() {
      return new GenerationRecord(
          head.generationId(),
          head.jobId(),
          head.userId(),
          head.prompt(),
          head.revisedPrompt(),
          head.image(),
          head.provider(),
          head.costUsd(),
          head.createdAt(),
          assets);
    }
  }
}
