/**
 * Writes examples/demo/sql/<db_id>.sql: the demo databases as plain SQL text.
 *
 * Run once by hand (`npx tsx examples/demo/generate.ts`); the .sql files it writes are
 * checked in and are what `npm run demo:build` reads. Every row is invented. The rows come
 * from a fixed-seed generator, so a second run writes the same bytes (test/demo checks
 * this), and the gold answers in dev.json stay right only as long as that holds.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { seededRandom as prng } from '@t2s/core/datasets'

type Value = string | number | null
type Row = Value[]

class Rand {
  readonly next: () => number
  constructor (seed: number) { this.next = prng(seed) }
  int (lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)) }
  pick<T> (xs: readonly T[]): T { return xs[Math.floor(this.next() * xs.length)] }
  chance (p: number): boolean { return this.next() < p }
  /** Index drawn with the given weights. */
  weighted (weights: readonly number[]): number {
    const total = weights.reduce((s, w) => s + w, 0)
    let r = this.next() * total
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]
      if (r < 0) return i
    }
    return weights.length - 1
  }
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits))
const DAY = 86_400_000
const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
const isoTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
const dateMs = (s: string): number => Date.parse(`${s}T00:00:00Z`)

function literal (v: Value): string {
  if (v === null) return 'NULL'
  if (typeof v === 'number') return String(v)
  return `'${v.replace(/'/g, "''")}'`
}

/** INSERT statements, 100 rows each. */
function inserts (table: string, columns: string[], rows: Row[]): string {
  const out: string[] = []
  for (let i = 0; i < rows.length; i += 100) {
    const values = rows.slice(i, i + 100).map((r) => `(${r.map(literal).join(', ')})`).join(',\n')
    out.push(`INSERT INTO ${table} (${columns.join(', ')}) VALUES\n${values};`)
  }
  return out.join('\n\n')
}

const header = (dbId: string, what: string): string =>
  `-- ${dbId}: ${what}\n-- Invented demo data for t2s-suite, written by examples/demo/generate.ts; not from any benchmark.\n\n`

// ---------------------------------------------------------------- library

function library (): string {
  const r = new Rand(20240601)
  // [name, birth_year, country, main genre]
  const authors: Array<[string, number | null, string, string]> = [
    ['Marta Kowalczyk', 1961, 'Poland', 'Fiction'],
    ['Tomás Ferreira', 1974, 'Portugal', 'Mystery'],
    ['Ingrid Halvorsen', 1958, 'Norway', 'Mystery'],
    ['Kenji Morita', 1982, 'Japan', 'Science Fiction'],
    ['Amara Okafor', 1979, 'Nigeria', 'Fiction'],
    ['Lucas Bernard', 1947, 'France', 'History'],
    ['Elena Vasquez', 1990, 'Mexico', 'Poetry'],
    ['Peter Lindqvist', null, 'Sweden', 'Children'],
    ['Hannah Weiss', 1969, 'Germany', 'Science'],
    ['Daniel Mercer', 1955, 'United Kingdom', 'Biography'],
    ['Sofia Rinaldi', 1985, 'Italy', 'Fiction'],
    ['Owen Gallagher', 1972, 'Ireland', 'Mystery'],
    ['Priya Raman', 1988, 'India', 'Science Fiction'],
    ['Jonas Becker', 1966, 'Germany', 'History'],
    ['Clara Dumont', null, 'Belgium', 'Children'],
    ['Mateo Alvarez', 1993, 'Argentina', 'Fiction'],
    ['Greta Nyström', 1951, 'Finland', 'Science'],
    ['Samuel Adeyemi', 1977, 'Nigeria', 'Biography'],
    ['Lea Novak', 1984, 'Croatia', 'Poetry'],
    ['Victor Hale', 1939, 'United States', 'Science Fiction'],
    ['Nora Castell', 1970, 'Spain', 'Mystery'],
    ['Arjun Mehta', 1981, 'India', 'Science'],
    ['Rosa Lindgren', 1962, 'Sweden', 'Fiction'],
    ['Felix Hartmann', null, 'Austria', 'History'],
    ['Yuki Tanabe', 1995, 'Japan', 'Children'],
    ['Maeve Doherty', 1968, 'Ireland', 'Biography'],
    ['Pavel Horák', 1976, 'Czech Republic', 'Science Fiction'],
    ['Iris van Dam', 1987, 'Netherlands', 'Fiction'],
    ['Oskar Berg', 1959, 'Norway', 'Poetry'],
    ['Celia Moreau', 1991, 'France', 'Science']
  ]
  const authorRows: Row[] = authors.map(([name, born, country], i) => [i + 1, name, born, country])

  const adjectives = ['Silent', 'Salt', 'Hidden', 'Last', 'Paper', 'Glass', 'Northern', 'Winter', 'Burning', 'Quiet', 'Iron', 'Distant', 'Copper', 'Lost', 'Small', 'Golden', 'Hollow', 'Wandering']
  const nouns = ['Orchard', 'Harbour', 'Garden', 'Lighthouse', 'Archive', 'Bridge', 'Forest', 'Kingdom', 'River', 'Atlas', 'Station', 'Machine', 'Island', 'Letters', 'Clockmaker', 'Compass', 'Tide', 'Meadow']
  const patterns = [
    (a: string, n: string) => `The ${a} ${n}`,
    (a: string, n: string) => `${n} of the ${a} Sea`,
    (a: string, n: string) => `A ${a} ${n}`,
    (a: string, n: string) => `${a} ${n}s`,
    (a: string, n: string) => `Beyond the ${a} ${n}`
  ]
  const titles = new Set<string>()
  const bookRows: Row[] = []
  const bookPopularity: number[] = []
  for (let id = 1; id <= 84; id++) {
    let title: string
    do title = r.pick(patterns)(r.pick(adjectives), r.pick(nouns)); while (titles.has(title))
    titles.add(title)
    // Every author but the last two has at least one book; the rest go to the first 28.
    const authorIdx = id <= 28 ? id - 1 : r.int(0, 27)
    const genre = r.chance(0.8) ? authors[authorIdx][3] : r.pick(['Fiction', 'Mystery', 'History', 'Science', 'Poetry'])
    const born = authors[authorIdx][1] ?? 1960
    const year = Math.min(2023, born + r.int(24, 60))
    const pages = genre === 'Children' ? r.int(24, 96) : genre === 'Poetry' ? r.int(60, 180) : r.int(160, 720)
    const digits = `97819${String(1000 + id * 37).padStart(4, '0')}${String(r.int(100, 999))}`
    const sum = [...digits].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0)
    const isbn = `${digits}${(10 - (sum % 10)) % 10}`
    const price = r.chance(0.08) ? null : round(6 + pages / 40 + r.int(0, 800) / 100, 2)
    bookRows.push([id, title, authorIdx + 1, genre, year, pages, isbn, price])
    bookPopularity.push(r.chance(0.15) ? 6 : r.chance(0.4) ? 2 : 1)
  }

  const firstNames = ['Anna', 'Ben', 'Chloe', 'David', 'Emma', 'Farid', 'Grace', 'Hugo', 'Isla', 'Jakub', 'Kira', 'Liam', 'Maya', 'Noah', 'Olivia', 'Pablo', 'Quinn', 'Rita', 'Sami', 'Tess', 'Umar', 'Vera', 'Wim', 'Zoe']
  const lastNames = ['Adams', 'Brandt', 'Costa', 'Dijkstra', 'Evans', 'Fischer', 'García', 'Horvat', 'Ibrahim', 'Jansen', 'Klein', 'Larsen', 'Martin', 'Nowak', 'Oliveira', 'Petrov', 'Quist', 'Rossi', 'Schmidt', 'Turner', 'Urban', 'Visser', 'Walsh', 'Young']
  const cities = ['Eastbrook', 'Eastbrook', 'Eastbrook', 'Millford', 'Millford', 'Ashby', 'Kelton']
  const memberRows: Row[] = []
  const memberActivity: number[] = []
  for (let id = 1; id <= 64; id++) {
    const first = r.pick(firstNames)
    const last = r.pick(lastNames)
    const type = r.weighted([6, 3, 2])
    const membership = ['standard', 'student', 'senior'][type]
    const birthYear = membership === 'student' ? r.int(2000, 2008) : membership === 'senior' ? r.int(1938, 1958) : r.int(1960, 1999)
    const birth = r.chance(0.12) ? null : `${birthYear}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`
    const joined = isoDate(dateMs('2017-01-01') + r.int(0, 2650) * DAY)
    const email = r.chance(0.2) ? null : `${first}.${last}@example.org`.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    memberRows.push([id, first, last, membership, joined, birth, r.pick(cities), email])
    memberActivity.push(r.chance(0.2) ? 5 : r.chance(0.3) ? 0.2 : 1)
  }

  // Loans from 2023-01-02 up to the snapshot date 2024-06-01: three weeks each, returned
  // 1-40 days after loaning; a return past the snapshot date is still out (NULL).
  const snapshot = dateMs('2024-06-01')
  const loans: Array<{ loaned: number, row: Row }> = []
  for (let i = 0; i < 340; i++) {
    const book = r.weighted(bookPopularity) + 1
    const member = r.weighted(memberActivity) + 1
    const joined = dateMs(memberRows[member - 1][4] as string)
    const start = Math.max(dateMs('2023-01-02'), joined)
    const loaned = start + r.int(0, Math.floor((snapshot - start) / DAY) - 1) * DAY
    const due = loaned + 21 * DAY
    const kept = r.chance(0.7) ? r.int(3, 21) : r.int(15, 40)
    const returned = loaned + kept * DAY
    const back = returned < snapshot && !r.chance(0.03)
    const late = back ? Math.max(0, (returned - due) / DAY) : 0
    loans.push({ loaned, row: [book, member, isoDate(loaned), isoDate(due), back ? isoDate(returned) : null, back ? round(late * 0.25, 2) : null] })
  }
  loans.sort((a, b) => a.loaned - b.loaned)

  return header('library', 'a small public library with two branches\' worth of lending, snapshot taken on 2024-06-01.') +
`CREATE TABLE authors
(
    author_id  INTEGER NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    birth_year INTEGER,
    country    TEXT
);

CREATE TABLE books
(
    book_id        INTEGER NOT NULL PRIMARY KEY,
    title          TEXT    NOT NULL,
    author_id      INTEGER REFERENCES authors (author_id),
    genre          TEXT,
    published_year INTEGER,
    pages          INTEGER,
    isbn           TEXT UNIQUE,
    price          REAL -- replacement cost in EUR
);

CREATE TABLE members
(
    member_id       INTEGER NOT NULL PRIMARY KEY,
    first_name      TEXT    NOT NULL,
    last_name       TEXT    NOT NULL,
    membership_type TEXT    NOT NULL, -- 'standard', 'student' or 'senior'
    joined_on       TEXT    NOT NULL,
    birth_date      TEXT,
    city            TEXT,
    email           TEXT
);

CREATE TABLE loans
(
    loan_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    book_id     INTEGER NOT NULL,
    member_id   INTEGER NOT NULL,
    loaned_on   TEXT    NOT NULL,
    due_on      TEXT    NOT NULL,
    returned_on TEXT, -- NULL while the book is still out
    fine        REAL, -- EUR 0.25 per day late, charged on return
    FOREIGN KEY (book_id) REFERENCES books (book_id),
    FOREIGN KEY (member_id) REFERENCES members (member_id)
);

${inserts('authors', ['author_id', 'name', 'birth_year', 'country'], authorRows)}

${inserts('books', ['book_id', 'title', 'author_id', 'genre', 'published_year', 'pages', 'isbn', 'price'], bookRows)}

${inserts('members', ['member_id', 'first_name', 'last_name', 'membership_type', 'joined_on', 'birth_date', 'city', 'email'], memberRows)}

${inserts('loans', ['book_id', 'member_id', 'loaned_on', 'due_on', 'returned_on', 'fine'], loans.map((l) => l.row))}
`
}

// ---------------------------------------------------------------- bike_share

function bikeShare (): string {
  const r = new Rand(42_0501)
  // [name, district]
  const stations: Array<[string, string]> = [
    ['Harbour Square', 'Docklands'], ['Ferry Terminal', 'Docklands'], ['Dry Dock Lane', 'Docklands'], ['Customs House', 'Docklands'],
    ['Market Hall', 'Old Town'], ['Cathedral Steps', 'Old Town'], ['Tanner Street', 'Old Town'], ['Guild Court', 'Old Town'], ['Town Hall', 'Old Town'],
    ['Library Plaza', 'University'], ['Science Park', 'University'], ['Student Union', 'University'], ['Botanic Gate', 'University'],
    ['Mill Lane', 'Riverside'], ['Weir Bridge', 'Riverside'], ['Boathouse', 'Riverside'], ['Willow Walk', 'Riverside'],
    ['Central Station', 'Northgate'], ['Northgate Park', 'Northgate'], ['Brewery Yard', 'Northgate'], ['Hospital East', 'Northgate'], ['Depot Road', 'Northgate']
  ]
  const districtCentre: Record<string, [number, number]> = {
    Docklands: [51.4412, 3.5781], 'Old Town': [51.4497, 3.5903], University: [51.4561, 3.6052], Riverside: [51.4433, 3.6117], Northgate: [51.4625, 3.5868]
  }
  const stationRows: Row[] = stations.map(([name, district], i) => {
    const [lat, lon] = districtCentre[district]
    const installed = i === 21 ? null : isoDate(dateMs('2019-03-01') + r.int(0, 1300) * DAY)
    return [i + 1, name, district, round(lat + (r.next() - 0.5) * 0.008, 5), round(lon + (r.next() - 0.5) * 0.012, 5), r.int(5, 15) * 2 + 1, installed]
  })
  const stationWeight = stations.map(([name]) => ['Central Station', 'Market Hall', 'Library Plaza', 'Harbour Square'].includes(name) ? 4 : name === 'Depot Road' ? 0.3 : 1)

  // Weather for May and June 2024.
  const weatherRows: Row[] = []
  const rainy = new Map<string, number>()
  for (let d = dateMs('2024-05-01'); d <= dateMs('2024-06-30'); d += DAY) {
    const dayIdx = (d - dateMs('2024-05-01')) / DAY
    const base = 15 + dayIdx * 0.11
    const max = round(base + 4 + r.next() * 6, 1)
    const min = round(base - 5 + r.next() * 4, 1)
    const wet = r.chance(0.3)
    const rain = wet ? round(0.4 + r.next() * 18, 1) : r.chance(0.15) ? 0.1 : 0
    const event = wet ? (rain > 12 && r.chance(0.6) ? 'Rain-Thunderstorm' : 'Rain') : r.chance(0.06) ? 'Fog' : null
    const wind = r.chance(0.05) ? null : round(6 + r.next() * 30, 1)
    weatherRows.push([isoDate(d), max, min, rain, wind, event])
    rainy.set(isoDate(d), rain)
  }

  // Trips: more on dry days and at commuting hours; customers ride longer.
  const tripRows: Row[] = []
  const dates = [...rainy.keys()]
  const dayWeight = dates.map((d) => {
    const dow = new Date(dateMs(d)).getUTCDay()
    const rain = rainy.get(d)!
    return (rain > 5 ? 0.35 : rain > 0.5 ? 0.7 : 1) * (dow === 0 || dow === 6 ? 0.8 : 1.1)
  })
  const hourWeight = [0.1, 0.05, 0.02, 0.02, 0.05, 0.2, 0.8, 2.2, 3, 1.4, 0.9, 1, 1.3, 1.1, 0.9, 1.1, 1.8, 2.8, 2.4, 1.4, 0.9, 0.6, 0.4, 0.2]
  const starts: number[] = []
  for (let i = 0; i < 420; i++) {
    const day = dateMs(dates[r.weighted(dayWeight)])
    starts.push(day + r.weighted(hourWeight) * 3_600_000 + r.int(0, 3599) * 1000)
  }
  starts.sort((a, b) => a - b)
  for (const [i, start] of starts.entries()) {
    const from = r.weighted(stationWeight) + 1
    let to = r.chance(0.08) ? from : r.weighted(stationWeight) + 1
    if (to === from && r.chance(0.5)) to = (from % stations.length) + 1
    const subscriber = r.chance(0.72)
    const minutes = to === from ? r.int(15, 95) : subscriber ? r.int(4, 28) : r.int(9, 70)
    const duration = minutes * 60 + r.int(0, 59)
    const birth = subscriber ? (r.chance(0.1) ? null : r.int(1950, 2004)) : (r.chance(0.75) ? null : r.int(1960, 2005))
    tripRows.push([i + 1, from, to, isoTime(start), isoTime(start + duration * 1000), duration, r.int(101, 160), subscriber ? 'Subscriber' : 'Customer', birth])
  }

  return header('bike_share', 'a city bike-sharing network: stations, trips in May and June 2024, and daily weather.') +
`CREATE TABLE stations
(
    station_id   INTEGER NOT NULL PRIMARY KEY,
    name         TEXT    NOT NULL,
    district     TEXT,
    lat          REAL,
    lon          REAL,
    dock_count   INTEGER,
    installed_on TEXT
);

CREATE TABLE weather
(
    date             TEXT NOT NULL PRIMARY KEY, -- YYYY-MM-DD
    max_temp_c       REAL,
    min_temp_c       REAL,
    precipitation_mm REAL,
    mean_wind_kmh    REAL,
    events           TEXT
);

CREATE TABLE trips
(
    trip_id          INTEGER NOT NULL PRIMARY KEY,
    start_station_id INTEGER REFERENCES stations (station_id),
    end_station_id   INTEGER REFERENCES stations (station_id),
    start_time       TEXT,
    end_time         TEXT,
    duration_sec     INTEGER,
    bike_id          INTEGER,
    rider_type       TEXT, -- 'Subscriber' (annual pass) or 'Customer' (day pass)
    rider_birth_year INTEGER
);

${inserts('stations', ['station_id', 'name', 'district', 'lat', 'lon', 'dock_count', 'installed_on'], stationRows)}

${inserts('weather', ['date', 'max_temp_c', 'min_temp_c', 'precipitation_mm', 'mean_wind_kmh', 'events'], weatherRows)}

${inserts('trips', ['trip_id', 'start_station_id', 'end_station_id', 'start_time', 'end_time', 'duration_sec', 'bike_id', 'rider_type', 'rider_birth_year'], tripRows)}
`
}

// ---------------------------------------------------------------- school

function school (): string {
  const r = new Rand(7_2023)
  // [course_id, title, department, credits, teacher]
  const courses: Array<[string, string, string, number, string | null]> = [
    ['MAT101', 'Algebra I', 'Mathematics', 5, 'R. Okonkwo'],
    ['MAT201', 'Calculus', 'Mathematics', 5, 'R. Okonkwo'],
    ['MAT210', 'Statistics', 'Mathematics', 4, 'L. Brandt'],
    ['PHY101', 'Mechanics', 'Science', 4, 'S. Ito'],
    ['CHE101', 'General Chemistry', 'Science', 4, 'M. Haddad'],
    ['BIO110', 'Cell Biology', 'Science', 4, null],
    ['ENG101', 'Composition', 'Languages', 3, 'J. Whitfield'],
    ['FRE101', 'French I', 'Languages', 3, 'C. Aubert'],
    ['HIS120', 'Modern History', 'Humanities', 3, 'P. Lund'],
    ['ART105', 'Drawing', 'Arts', 2, 'E. Moretti'],
    ['CSC110', 'Programming Basics', 'Science', 4, 'T. Nakamura'],
    ['MUS101', 'Music Theory', 'Arts', 2, null]
  ]
  const difficulty: Record<string, number> = { MAT201: -9, PHY101: -6, CHE101: -5, MAT101: -2, ART105: 6, MUS101: 5, ENG101: 2 }
  const first = ['Aiden', 'Bella', 'Caleb', 'Daria', 'Elif', 'Finn', 'Gia', 'Henrik', 'Ines', 'Jonah', 'Kaya', 'Leon', 'Mila', 'Nils', 'Omar', 'Pia', 'Rafael', 'Selin', 'Theo', 'Una', 'Yara', 'Zane']
  const last = ['Achterberg', 'Bauer', 'Chen', 'Demir', 'Eriksen', 'Fontaine', 'Greco', 'Holm', 'Ilić', 'Jovanović', 'Kaur', 'Lopez', 'Meyer', 'Nieminen', 'Osei', 'Park', 'Reyes', 'Sato', 'Tanaka', 'Vogel']
  const studentRows: Row[] = []
  const ability: number[] = []
  for (let id = 1; id <= 48; id++) {
    const enrolled = r.pick([2021, 2022, 2023])
    const born = enrolled - 15 + r.int(0, 1)
    const dob = `${born}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`
    const scholarship = r.chance(0.25) ? r.pick([500, 750, 1000, 1500]) : null
    const homeroom = enrolled === 2021 ? '12A' : `${2033 - enrolled}${r.pick(['A', 'B'])}`
    studentRows.push([1000 + id, r.pick(first), r.pick(last), enrolled, dob, homeroom, scholarship])
    ability.push(r.int(-12, 12))
  }
  const terms = ['2023-autumn', '2024-spring']
  const enrollmentRows: Row[] = []
  for (const [i, s] of studentRows.entries()) {
    for (const term of terms) {
      const picked = new Set<string>()
      const n = r.int(3, 5)
      while (picked.size < n) picked.add(r.pick(courses)[0])
      for (const c of [...picked].sort()) {
        // Spring grades were not all in when the snapshot was taken.
        const pending = term === '2024-spring' && r.chance(0.1)
        const grade = pending ? null : round(Math.max(18, Math.min(100, 72 + ability[i] + (difficulty[c] ?? 0) + (r.next() - 0.5) * 24)), 1)
        enrollmentRows.push([s[0], c, term, grade])
      }
    }
  }

  return header('school', 'one secondary school\'s courses, students and term grades for the 2023-2024 school year.') +
`CREATE TABLE courses
(
    course_id  TEXT    NOT NULL PRIMARY KEY,
    title      TEXT    NOT NULL,
    department TEXT,
    credits    INTEGER,
    teacher    TEXT
);

CREATE TABLE students
(
    student_id    INTEGER NOT NULL PRIMARY KEY,
    first_name    TEXT,
    last_name     TEXT,
    enrolled_year INTEGER,
    date_of_birth TEXT,
    homeroom      TEXT,
    scholarship   REAL
);

CREATE TABLE enrollments
(
    student_id INTEGER NOT NULL REFERENCES students (student_id),
    course_id  TEXT    NOT NULL REFERENCES courses (course_id),
    term       TEXT    NOT NULL,
    grade      REAL, -- 0-100, NULL until graded
    PRIMARY KEY (student_id, course_id, term)
);

${inserts('courses', ['course_id', 'title', 'department', 'credits', 'teacher'], courses)}

${inserts('students', ['student_id', 'first_name', 'last_name', 'enrolled_year', 'date_of_birth', 'homeroom', 'scholarship'], studentRows)}

${inserts('enrollments', ['student_id', 'course_id', 'term', 'grade'], enrollmentRows)}
`
}

export function generate (): Record<string, string> {
  return { library: library(), bike_share: bikeShare(), school: school() }
}

if (process.argv[1] === import.meta.filename) {
  const dir = join(import.meta.dirname, 'sql')
  mkdirSync(dir, { recursive: true })
  for (const [dbId, text] of Object.entries(generate())) {
    writeFileSync(join(dir, `${dbId}.sql`), text)
    process.stdout.write(`wrote ${join(dir, `${dbId}.sql`)} (${text.length} bytes)\n`)
  }
}
