// GEOMETRY columns reach Kafka as {"wkb": base64 WKB, "srid": n}, exactly as ST_AsWKB / ST_SRID say.
// MariaDB counts GEOMETRY among the character columns of TABLE_MAP's charset metadata (MySQL does not); a
// decoder that miscounts stops on the TABLE_MAP of any table with a GEOMETRY column.
#include "tests/integration/mysql_source_column_check.h"

namespace cdc::test::msrc {
namespace {

TEST_F(ColumnTypes, GeometryAsWkbAndSrid) {
  std::string g = "CONCAT('{\"wkb\":', " + b64("ST_AsWKB(g)") + ", ',\"srid\":', ST_SRID(g), '}')";
  check("geo", {{"g", "GEOMETRY NULL", g}, {"label", "VARCHAR(10)", str("label")}},
        {"(1, ST_GeomFromText('POINT(1 2)'), 'point')",
         "(2, ST_GeomFromText('LINESTRING(0 0, 1 1, 2.5 -3)', 4326), 'line')",
         "(3, ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))'), 'polygon')",
         "(4, NULL, NULL)"});
}

}  // namespace
}  // namespace cdc::test::msrc
