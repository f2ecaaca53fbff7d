using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shop.OrderService.Data.Migrations
{
    /// <inheritdoc />
    public partial class KeepPlacementResults : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A kept order becomes a kept placement; a kept refusal is dropped, so that a repeat is simply decided again.
            migrationBuilder.Sql(
                """UPDATE "IdempotencyRecords" SET "ResponseBody" = '{"outcome":"placed","order":' || "ResponseBody" || '}' WHERE "StatusCode" = 201""");
            migrationBuilder.Sql("""DELETE FROM "IdempotencyRecords" WHERE "StatusCode" IS NOT NULL AND "StatusCode" <> 201""");

            // SQLite drops a column in place; EF Core would rebuild the table outside the migration's transaction.
            migrationBuilder.Sql("""ALTER TABLE "IdempotencyRecords" DROP COLUMN "StatusCode";""");

            migrationBuilder.RenameColumn(
                name: "ResponseBody",
                table: "IdempotencyRecords",
                newName: "Result");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "Result",
                table: "IdempotencyRecords",
                newName: "ResponseBody");

            migrationBuilder.AddColumn<int>(
                name: "StatusCode",
                table: "IdempotencyRecords",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.Sql("""DELETE FROM "IdempotencyRecords" WHERE "ResponseBody" LIKE '{"outcome":"refused"%'""");
            migrationBuilder.Sql(
                """UPDATE "IdempotencyRecords" SET "StatusCode" = 201, "ResponseBody" = substr("ResponseBody", 29, length("ResponseBody") - 29) WHERE "ResponseBody" IS NOT NULL""");
        }
    }
}
