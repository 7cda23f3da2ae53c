def find(cursor, name, ids):
    # ruleid: sql-string-built
    cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    # ruleid: sql-string-built
    cursor.execute("SELECT * FROM users WHERE name = '%s'" % name)
    # ruleid: sql-string-built
    cursor.execute("SELECT * FROM users WHERE name = '{}'".format(name))
    # ruleid: sql-string-built
    cursor.execute("SELECT * FROM users WHERE name = " + name)
    # ruleid: sql-string-built
    cursor.executemany(f"DELETE FROM users WHERE id = {ids}", [])
    # ok: sql-string-built
    cursor.execute("SELECT * FROM users WHERE name = %s", (name,))
    # ok: sql-string-built
    cursor.execute("SELECT count(*) FROM users")
