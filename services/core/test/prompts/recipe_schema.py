# Reference for the tests: the recipe's generate_schema_prompt (docs/recipe-formats.md §2), rewritten
# from its description with the same queries and string formats. One deliberate difference:
# the database opens read-only (mode=ro) so that tests never touch the shared data; reads are
# the same. Usage: python3 recipe_schema.py NUM_ROWS DB_PATH... -> JSON {path: schema_prompt}
import json
import sqlite3
import sys
from pathlib import Path


def nice_look_table(column_names, values):
    widths = [max(len(str(v[i])) for v in values + [column_names]) for i in range(len(column_names))]
    header = ''.join(f'{c.rjust(w)} ' for c, w in zip(column_names, widths))
    rows = '\n'.join(''.join(f'{str(v).rjust(w)} ' for v, w in zip(value, widths)) for value in values)
    return header + '\n' + rows


def generate_schema_prompt(db_path, num_rows=None):
    conn = sqlite3.connect(Path(db_path).absolute().as_uri() + '?mode=ro', uri=True)
    cursor = conn.cursor()
    cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")
    schemas = {}
    for table in cursor.fetchall():
        if table == 'sqlite_sequence':  # the recipe's skip: a tuple never equals a str
            continue
        cursor.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name='{}';".format(table[0]))
        create_prompt = cursor.fetchone()[0]
        schemas[table[0]] = create_prompt
        if num_rows:
            cur_table = table[0]
            if cur_table in ['order', 'by', 'group']:
                cur_table = '`{}`'.format(cur_table)
            cursor.execute('SELECT * FROM {} LIMIT {}'.format(cur_table, num_rows))
            column_names = [d[0] for d in cursor.description]
            rows_prompt = nice_look_table(column_names, cursor.fetchall())
            verbose_prompt = '/* \n {} example rows: \n SELECT * FROM {} LIMIT {}; \n {} \n */'.format(
                num_rows, cur_table, num_rows, rows_prompt)
            schemas[table[0]] = '{} \n {}'.format(create_prompt, verbose_prompt)
    conn.close()
    return '-- DB Schema: ' + '\n\n'.join(schemas.values())


if __name__ == '__main__':
    n = int(sys.argv[1]) or None
    print(json.dumps({p: generate_schema_prompt(p, n) for p in sys.argv[2:]}))
