package dev.align4j.spark.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Output lines as Parquet rows: each field of the schema is taken from the JSON object of the same name; the
 * {@code id} column holds the id's JSON text ({@code "\"m1\""} for the string id m1, {@code "7"} for the number 7),
 * so that any id the input had comes back exactly. Missing or JSON-null fields become nulls.
 */
public final class JsonRows {
  private JsonRows() {}

  /** A nullable field. */
  public static StructField field(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }

  /** The row of {@code node} under {@code schema}. */
  public static Row toRow(ObjectNode node, StructType schema) {
    StructField[] fields = schema.fields();
    Object[] values = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      JsonNode v = node.get(fields[i].name());
      values[i] = v == null || v.isNull() ? null
          : fields[i].name().equals("id") ? v.toString() : value(v, fields[i].dataType());
    }
    return RowFactory.create(values);
  }

  private static Object value(JsonNode v, DataType type) {
    if (type.equals(DataTypes.DoubleType)) {
      return v.asDouble();
    }
    if (type.equals(DataTypes.IntegerType)) {
      return v.asInt();
    }
    if (type.equals(DataTypes.LongType)) {
      return v.asLong();
    }
    if (type.equals(DataTypes.BooleanType)) {
      return v.asBoolean();
    }
    if (type instanceof ArrayType array) {
      List<Object> out = new ArrayList<>(v.size());
      for (JsonNode e : v) {
        out.add(e.isNull() ? null : value(e, array.elementType()));
      }
      return out;
    }
    return v.isTextual() ? v.asText() : v.toString();
  }
}
