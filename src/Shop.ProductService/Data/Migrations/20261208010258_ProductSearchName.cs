using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shop.ProductService.Data.Migrations
{
    /// <inheritdoc />
    public partial class ProductSearchName : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SearchName",
                table: "Products",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            // The products made before: their names folded by the database, as searches folded them until now. Each is
            // folded as the service folds it when it is next written.
            migrationBuilder.Sql("UPDATE \"Products\" SET \"SearchName\" = lower(\"Name\")");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SearchName",
                table: "Products");
        }
    }
}
