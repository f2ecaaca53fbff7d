-- Each service, and the web app, signs in to PostgreSQL as its own role, named after its database, which owns its own
-- database and may reach no other: a leaked connection string opens one service's data, not the shop's. Run as an administrator of the server; safe to run again
-- (it creates what is missing and sets the passwords anew). The passwords come from the environment, never from this
-- file: USERS_PASSWORD, PRODUCTS_PASSWORD, ORDERS_PASSWORD and WEB_PASSWORD, the ones in the connection strings.
\set ON_ERROR_STOP on

\getenv users_password USERS_PASSWORD
\getenv products_password PRODUCTS_PASSWORD
\getenv orders_password ORDERS_PASSWORD
\getenv web_password WEB_PASSWORD

SELECT 'CREATE ROLE usersdb LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'usersdb') \gexec
SELECT 'CREATE ROLE productsdb LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'productsdb') \gexec
SELECT 'CREATE ROLE ordersdb LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ordersdb') \gexec
SELECT 'CREATE ROLE webdb LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'webdb') \gexec

ALTER ROLE usersdb WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'users_password';
ALTER ROLE productsdb WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'products_password';
ALTER ROLE ordersdb WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'orders_password';
ALTER ROLE webdb WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'web_password';

SELECT 'CREATE DATABASE usersdb OWNER usersdb' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'usersdb') \gexec
SELECT 'CREATE DATABASE productsdb OWNER productsdb' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'productsdb') \gexec
SELECT 'CREATE DATABASE ordersdb OWNER ordersdb' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'ordersdb') \gexec
SELECT 'CREATE DATABASE webdb OWNER webdb' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'webdb') \gexec

ALTER DATABASE usersdb OWNER TO usersdb;
ALTER DATABASE productsdb OWNER TO productsdb;
ALTER DATABASE ordersdb OWNER TO ordersdb;
ALTER DATABASE webdb OWNER TO webdb;

-- Every role may connect to a new database until told otherwise: only its owner may here.
REVOKE CONNECT, TEMPORARY ON DATABASE usersdb FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE productsdb FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE ordersdb FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE webdb FROM PUBLIC;
