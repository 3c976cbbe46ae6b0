package gen

// province is one of the 63 provinces and centrally-run cities of 2020.
type province struct {
	code, name string
	// city marks the five centrally-run cities (thành phố trực thuộc Trung ương).
	city bool
	// weight is its share of districts and grassroots units, relative to 1.
	weight float64
}

// provinces are the 63 provinces and cities, the big cities first.
var provinces = []province{
	{"HN", "Hà Nội", true, 2.7},
	{"HCM", "Hồ Chí Minh", true, 2.1},
	{"HP", "Hải Phòng", true, 1.3},
	{"DN", "Đà Nẵng", true, 0.7},
	{"CT", "Cần Thơ", true, 0.8},
	{"AG", "An Giang", false, 1.0},
	{"BRVT", "Bà Rịa – Vũng Tàu", false, 0.8},
	{"BG", "Bắc Giang", false, 1.0},
	{"BK", "Bắc Kạn", false, 0.8},
	{"BL", "Bạc Liêu", false, 0.7},
	{"BN", "Bắc Ninh", false, 0.8},
	{"BTR", "Bến Tre", false, 0.9},
	{"BDI", "Bình Định", false, 1.0},
	{"BDU", "Bình Dương", false, 0.9},
	{"BP", "Bình Phước", false, 1.0},
	{"BTH", "Bình Thuận", false, 1.0},
	{"CM", "Cà Mau", false, 0.9},
	{"CB", "Cao Bằng", false, 0.9},
	{"DLK", "Đắk Lắk", false, 1.3},
	{"DNO", "Đắk Nông", false, 0.8},
	{"DB", "Điện Biên", false, 0.9},
	{"DNA", "Đồng Nai", false, 1.0},
	{"DT", "Đồng Tháp", false, 1.1},
	{"GL", "Gia Lai", false, 1.4},
	{"HG", "Hà Giang", false, 1.0},
	{"HNA", "Hà Nam", false, 0.6},
	{"HT", "Hà Tĩnh", false, 1.1},
	{"HD", "Hải Dương", false, 1.1},
	{"HGI", "Hậu Giang", false, 0.7},
	{"HB", "Hòa Bình", false, 0.9},
	{"HY", "Hưng Yên", false, 0.9},
	{"KH", "Khánh Hòa", false, 0.8},
	{"KG", "Kiên Giang", false, 1.3},
	{"KT", "Kon Tum", false, 0.9},
	{"LC", "Lai Châu", false, 0.7},
	{"LD", "Lâm Đồng", false, 1.1},
	{"LS", "Lạng Sơn", false, 1.0},
	{"LCA", "Lào Cai", false, 0.8},
	{"LA", "Long An", false, 1.3},
	{"ND", "Nam Định", false, 0.9},
	{"NA", "Nghệ An", false, 1.8},
	{"NB", "Ninh Bình", false, 0.7},
	{"NT", "Ninh Thuận", false, 0.6},
	{"PT", "Phú Thọ", false, 1.2},
	{"PY", "Phú Yên", false, 0.8},
	{"QB", "Quảng Bình", false, 0.8},
	{"QNA", "Quảng Nam", false, 1.6},
	{"QNG", "Quảng Ngãi", false, 1.2},
	{"QN", "Quảng Ninh", false, 1.2},
	{"QT", "Quảng Trị", false, 0.9},
	{"ST", "Sóc Trăng", false, 1.0},
	{"SL", "Sơn La", false, 1.1},
	{"TN", "Tây Ninh", false, 0.8},
	{"TB", "Thái Bình", false, 0.7},
	{"TNG", "Thái Nguyên", false, 0.8},
	{"TH", "Thanh Hóa", false, 2.4},
	{"TTH", "Thừa Thiên Huế", false, 0.8},
	{"TG", "Tiền Giang", false, 1.0},
	{"TV", "Trà Vinh", false, 0.8},
	{"TQ", "Tuyên Quang", false, 0.6},
	{"VL", "Vĩnh Long", false, 0.7},
	{"VP", "Vĩnh Phúc", false, 0.8},
	{"YB", "Yên Bái", false, 0.8},
}

// syllables make up the names of districts and communes.
var syllables = []string{
	"An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Long", "Hưng", "Đông", "Tây", "Nam", "Bắc",
	"Minh", "Quang", "Thịnh", "Phước", "Lộc", "Thuận", "Hiệp", "Trung", "Mỹ", "Vĩnh", "Thanh",
	"Xuân", "Hải", "Sơn", "Hà", "Lâm", "Phong", "Đức", "Nghĩa", "Tiến", "Thắng", "Hợp", "Thành",
	"Cường", "Kim", "Ngọc", "Yên", "Lạc", "Khánh", "Phúc", "Hồng", "Quý", "Đại", "Cát", "Tường",
}

// orgKinds are the grassroots organizations besides wards and communes, with
// the category of their cells and the words of their names.
var orgKinds = []struct {
	category, prefix string
	names            []string
}{
	{"agency", "Cơ quan", []string{"Ủy ban nhân dân", "Chi cục Thuế", "Kho bạc Nhà nước", "Bảo hiểm xã hội", "Phòng Giáo dục và Đào tạo", "Tòa án nhân dân", "Viện Kiểm sát nhân dân"}},
	{"school", "Trường", []string{"THPT", "THCS", "Tiểu học", "Mầm non", "Trung tâm Giáo dục thường xuyên", "Cao đẳng"}},
	{"hospital", "", []string{"Bệnh viện Đa khoa", "Trung tâm Y tế", "Bệnh viện Y học cổ truyền"}},
	{"enterprise", "Công ty", []string{"Cổ phần", "TNHH Một thành viên", "Xây dựng", "Thương mại", "Điện lực"}},
	{"armed_forces", "", []string{"Công an", "Quân sự", "Đồn Biên phòng"}},
	{"other", "", []string{"Hội Cựu chiến binh", "Hợp tác xã", "Ban Quản lý chợ"}},
}

// cellNames name the cells of an organization other than a ward or commune.
var cellNames = []string{"Khối Văn phòng", "Phòng Tổ chức – Hành chính", "Phòng Kế hoạch", "Phòng Tài chính",
	"Tổ Chuyên môn", "Khoa", "Phân xưởng", "Đội", "Bộ phận Nghiệp vụ", "Khối Sản xuất"}
