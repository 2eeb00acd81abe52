#!/bin/sh
# Least privilege: the app connects as academy_app, a role that owns the academy database and its
# schema but is not a superuser (no COPY ... PROGRAM, no reading server files, no other databases).
# Runs once when the db volume is first created; for an existing volume run it by hand:
#   docker compose exec db sh /docker-entrypoint-initdb.d/10-app-role.sh
# It is idempotent: it (re)sets the password and hands over anything the superuser still owns.
set -eu
: "${APP_DB_PASSWORD:?set APP_DB_PASSWORD for the app role}"
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-academy}" \
  -v app_password="$APP_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE academy_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', :'app_password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'academy_app') \gexec
SELECT format('ALTER ROLE academy_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'app_password') \gexec
SELECT format('ALTER DATABASE %I OWNER TO academy_app', current_database()) \gexec
ALTER SCHEMA public OWNER TO academy_app;
DO $$
DECLARE item record;
BEGIN
  FOR item IN
    SELECT format('ALTER TABLE %I.%I OWNER TO academy_app', n.nspname, c.relname) AS statement
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
       AND pg_get_userbyid(c.relowner) <> 'academy_app'
    UNION ALL
    SELECT format('ALTER FUNCTION %I.%I(%s) OWNER TO academy_app', n.nspname, p.proname,
                  pg_get_function_identity_arguments(p.oid))
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> 'academy_app'
  LOOP
    EXECUTE item.statement;
  END LOOP;
END $$;
SQL
