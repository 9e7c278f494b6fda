#!/bin/sh
# Runs once, when the PostgreSQL container initialises its data directory: the roles Tessera needs
# (see README, "Database roles") and its database, owned by the schema owner.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE tessera_runtime NOLOGIN;
CREATE ROLE tessera_owner LOGIN PASSWORD '${TESSERA_OWNER_PASSWORD}';
CREATE ROLE tessera_app LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '${TESSERA_APP_PASSWORD}' IN ROLE tessera_runtime;
CREATE DATABASE tessera OWNER tessera_owner;
SQL
