//! People and places in many scripts, plus a few hostile names, so the CRM meets accents,
//! Cyrillic, Greek, CJK, Arabic, quotes and markup from the first sync.
//! Each name carries an ASCII handle used to build unique e-mail addresses.

/// (display, ascii handle)
pub type Name = (&'static str, &'static str);

pub struct Culture {
    pub first: &'static [Name],
    pub last: &'static [Name],
    pub streets: &'static [&'static str],
    /// Street number goes before (true) or after (false) the street name.
    pub number_first: bool,
    pub places: &'static [Place],
    pub mail_domain: &'static str,
}

/// A city: its country, directory region id (0 = free-text `region_text` or none), postcode.
pub struct Place {
    pub country: &'static str,
    pub city: &'static str,
    pub region_id: u32,
    pub region_text: &'static str,
    pub postcode: &'static str,
}

const fn place(
    country: &'static str,
    city: &'static str,
    region_id: u32,
    region_text: &'static str,
    postcode: &'static str,
) -> Place {
    Place {
        country,
        city,
        region_id,
        region_text,
        postcode,
    }
}

pub const EN: Culture = Culture {
    first: &[
        ("James", "james"),
        ("Mary", "mary"),
        ("Veronica", "veronica"),
        ("Jane", "jane"),
        ("Robert", "robert"),
        ("Linda", "linda"),
        ("Michael", "michael"),
        ("Melanie", "melanie"),
    ],
    last: &[
        ("Smith", "smith"),
        ("Johnson", "johnson"),
        ("Costello", "costello"),
        ("Doe", "doe"),
        ("O'Brien", "obrien"),
        ("Shaw", "shaw"),
        ("McAllister", "mcallister"),
        ("Nguyen", "nguyen"),
    ],
    streets: &[
        "Oak Ave",
        "Honey Bluff Parkway",
        "Big Tree Avenue",
        "Main Street",
        "Elm St. Apt 4B",
        "Sunset Blvd",
    ],
    number_first: true,
    places: &[
        place("US", "Calder", 33, "", "49628-7978"),
        place("US", "Purchase", 43, "", "10577"),
        place("US", "San Francisco", 12, "", "94107"),
        place("US", "Austin", 57, "", "78701"),
        place("US", "Seattle", 62, "", "98101"),
        place("US", "Chicago", 23, "", "60601"),
        place("CA", "Toronto", 74, "", "M5V 2T6"),
        place("GB", "London", 0, "Greater London", "SW1A 1AA"),
    ],
    mail_domain: "example.com",
};

pub const ES: Culture = Culture {
    first: &[
        ("José", "jose"),
        ("María", "maria"),
        ("Íñigo", "inigo"),
        ("Lucía", "lucia"),
        ("Begoña", "begona"),
    ],
    last: &[
        ("Peña", "pena"),
        ("Ibáñez", "ibanez"),
        ("García", "garcia"),
        ("Núñez", "nunez"),
        ("Muñoz", "munoz"),
    ],
    streets: &["Calle de Alcalá", "Avinguda Diagonal", "Calle Mayor"],
    number_first: false,
    places: &[
        place("ES", "Madrid", 161, "", "28014"),
        place("ES", "Barcelona", 139, "", "08019"),
        place("US", "Miami", 18, "", "33101"),
    ],
    mail_domain: "example.es",
};

pub const DE: Culture = Culture {
    first: &[
        ("Jürgen", "juergen"),
        ("Björn", "bjoern"),
        ("Käthe", "kaethe"),
        ("Lukas", "lukas"),
        ("Anneliese", "anneliese"),
    ],
    last: &[
        ("Müller", "mueller"),
        ("Schröder", "schroeder"),
        ("Weiß", "weiss"),
        ("Groß", "gross"),
        ("Becker", "becker"),
    ],
    streets: &["Hauptstraße", "Königsallee", "Schloßstraße"],
    number_first: false,
    places: &[
        place("DE", "Berlin", 82, "", "10115"),
        place("DE", "München", 81, "", "80331"),
        place("DE", "Köln", 88, "", "50667"),
        place("DE", "Stuttgart", 80, "", "70173"),
    ],
    mail_domain: "example.de",
};

pub const FR: Culture = Culture {
    first: &[
        ("François", "francois"),
        ("Zoé", "zoe"),
        ("Hélène", "helene"),
        ("Gaëlle", "gaelle"),
        ("Jérôme", "jerome"),
    ],
    last: &[
        ("Lefèvre", "lefevre"),
        ("Dupré", "dupre"),
        ("Bérenger", "berenger"),
        ("D'Arcy", "darcy"),
        ("Moreau", "moreau"),
    ],
    streets: &[
        "rue de Rivoli",
        "boulevard Saint-Germain",
        "avenue des Champs-Élysées",
    ],
    number_first: true,
    places: &[
        place("FR", "Paris", 257, "", "75001"),
        place("FR", "Marseille", 193, "", "13001"),
        place("FR", "Bourg-en-Bresse", 182, "", "01000"),
    ],
    mail_domain: "example.fr",
};

pub const EL: Culture = Culture {
    first: &[
        ("Γιώργος", "giorgos"),
        ("Ελένη", "eleni"),
        ("Νίκος", "nikos"),
        ("Μαρία", "maria"),
    ],
    last: &[
        ("Παπαδόπουλος", "papadopoulos"),
        ("Οικονόμου", "oikonomou"),
        ("Γεωργίου", "georgiou"),
    ],
    streets: &["Οδός Ερμού", "Λεωφόρος Συγγρού"],
    number_first: false,
    places: &[
        place("GR", "Αθήνα", 1016, "", "105 57"),
        place("GR", "Θεσσαλονίκη", 1017, "", "546 21"),
    ],
    mail_domain: "example.gr",
};

pub const PL_TR_IT: Culture = Culture {
    first: &[
        ("Łukasz", "lukasz"),
        ("Zofia", "zofia"),
        ("Çağrı", "cagri"),
        ("Şebnem", "sebnem"),
        ("Niccolò", "niccolo"),
    ],
    last: &[
        ("Wąsowski", "wasowski"),
        ("Żółć", "zolc"),
        ("Yılmaz", "yilmaz"),
        ("Öztürk", "ozturk"),
        ("Rossi", "rossi"),
    ],
    streets: &["ul. Marszałkowska", "İstiklal Caddesi", "Via del Corso"],
    number_first: false,
    places: &[
        place("PL", "Kraków", 0, "Małopolskie", "30-001"),
        place("TR", "İstanbul", 0, "İstanbul", "34433"),
        place("IT", "Roma", 0, "RM", "00186"),
    ],
    mail_domain: "example.eu",
};

pub const RU: Culture = Culture {
    first: &[
        ("Иван", "ivan"),
        ("Анастасия", "anastasia"),
        ("Дмитрий", "dmitry"),
        ("Ольга", "olga"),
    ],
    last: &[
        ("Смирнова", "smirnova"),
        ("Иванов", "ivanov"),
        ("Кузнецов", "kuznetsov"),
    ],
    streets: &["ул. Тверская", "Невский проспект"],
    number_first: false,
    places: &[
        place("RU", "Москва", 0, "Москва", "125009"),
        place("RU", "Санкт-Петербург", 0, "", "191186"),
    ],
    mail_domain: "example.ru",
};

pub const JA: Culture = Culture {
    first: &[
        ("太郎", "taro"),
        ("花子", "hanako"),
        ("翔太", "shota"),
        ("さくら", "sakura"),
    ],
    last: &[
        ("山田", "yamada"),
        ("佐藤", "sato"),
        ("鈴木", "suzuki"),
        ("高橋", "takahashi"),
    ],
    streets: &["千代田1-1", "道玄坂2丁目"],
    number_first: false,
    places: &[
        place("JP", "東京都千代田区", 0, "東京都", "100-0001"),
        place("JP", "大阪市北区", 0, "大阪府", "530-0001"),
    ],
    mail_domain: "example.jp",
};

pub const ZH: Culture = Culture {
    first: &[
        ("伟", "wei"),
        ("芳", "fang"),
        ("静", "jing"),
        ("强", "qiang"),
    ],
    last: &[("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu")],
    streets: &["长安街", "南京路"],
    number_first: false,
    places: &[
        place("CN", "北京", 1200, "", "100000"),
        place("CN", "上海", 1201, "", "200000"),
    ],
    mail_domain: "example.cn",
};

pub const AR: Culture = Culture {
    first: &[
        ("محمد", "mohammed"),
        ("فاطمة", "fatima"),
        ("عمر", "omar"),
        ("ليلى", "layla"),
    ],
    last: &[
        ("العلي", "alali"),
        ("الحسن", "alhassan"),
        ("منصور", "mansour"),
    ],
    streets: &["شارع الملك فهد", "شارع التحرير"],
    number_first: false,
    places: &[
        place("SA", "الرياض", 0, "", "11564"),
        place("EG", "القاهرة", 0, "القاهرة", "11511"),
    ],
    mail_domain: "example.sa",
};

/// Names that break naive code: markup, quotes, SQL, backslashes, emoji, long strings.
pub const HOSTILE: Culture = Culture {
    first: &[
        ("<script>alert(1)</script>", "script"),
        ("Robert'); DROP TABLE students;--", "bobby"),
        ("Zoë \"Zee\"", "zee"),
        ("Back\\slash", "backslash"),
        ("Ana 🍰", "ana"),
        (
            "Maximilian-Alexander-Friedrich-Wilhelm-Karl-Ludwig",
            "maximilian",
        ),
    ],
    last: &[
        ("O'Brien", "obrien"),
        ("<b>Bold</b> & Co", "bold"),
        ("NULL", "null"),
        ("d'Artagnan-Çelik", "dartagnan"),
        ("  Spaces  ", "spaces"),
    ],
    streets: &["1/2 \"Quoted\" Lane", "<img src=x onerror=alert(1)> Rd"],
    number_first: true,
    places: &[
        place("US", "New York", 43, "", "10001"),
        place("DE", "Berlin", 82, "", "10115"),
    ],
    mail_domain: "example.org",
};

/// Cultures a website's customers come from (hostile names are mixed in separately).
pub fn cultures_of_website(website_id: u16) -> &'static [&'static Culture] {
    match website_id {
        2 => &[&DE, &FR, &ES, &EL, &PL_TR_IT, &EN],
        3 => &[&JA, &ZH, &AR, &RU, &EN],
        _ => &[&EN, &EN, &EN, &ES, &FR, &ZH],
    }
}

/// Store views shoppers of a website use (the disabled Russian view is never picked).
pub fn store_views_of_website(website_id: u16) -> &'static [u16] {
    match website_id {
        2 => &[3, 3, 4],
        3 => &[5],
        _ => &[1, 1, 1, 2],
    }
}
