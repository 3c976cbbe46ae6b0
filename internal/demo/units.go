package demo

import (
	"fmt"
	"hash/fnv"

	"github.com/daihoi/daihoi/internal/domain"
)

// The codes of the units the demo accounts and tests refer to.
const (
	CityCode     = "HN"
	DistrictCode = "HN.HBT"
	BachMaiCode  = "HN.HBT.BACHMAI"
	// The two pilots besides Bạch Mai (đại hội điểm).
	LungHospitalCode = "HN.HBT.BVPHOI"
	DoanKetCode      = "HN.HBT.THPTDOANKET"
)

// PilotCodes are the three units Hai Bà Trưng picked for its pilot congresses.
var PilotCodes = []string{BachMaiCode, LungHospitalCode, DoanKetCode}

// ward is one of the 20 wards of Hai Bà Trưng (2020) and the cells of its
// party committee: residential cells, then the ward's office, militia and
// one school or the ward's enterprises.
type ward struct {
	name, code  string
	residential int
	// khuDanCu names residential cells "khu dân cư" rather than "tổ dân phố".
	khuDanCu bool
}

// wards lists the wards in alphabetical order. Bạch Mai has exactly the 13
// cells the district reported in 2020: 11 residential, its office and its militia.
var wards = []ward{
	{"Bạch Đằng", "BACHDANG", 17, false},
	{"Bách Khoa", "BACHKHOA", 15, false},
	{"Bạch Mai", "BACHMAI", 11, false},
	{"Bùi Thị Xuân", "BUITHIXUAN", 15, false},
	{"Cầu Dền", "CAUDEN", 16, false},
	{"Đống Mác", "DONGMAC", 15, true},
	{"Đồng Nhân", "DONGNHAN", 15, false},
	{"Đồng Tâm", "DONGTAM", 18, true},
	{"Lê Đại Hành", "LEDAIHANH", 15, false},
	{"Minh Khai", "MINHKHAI", 20, true},
	{"Ngô Thì Nhậm", "NGOTHINHAM", 15, false},
	{"Nguyễn Du", "NGUYENDU", 15, false},
	{"Phạm Đình Hổ", "PHAMDINHHO", 15, false},
	{"Phố Huế", "PHOHUE", 15, false},
	{"Quỳnh Lôi", "QUYNHLOI", 16, true},
	{"Quỳnh Mai", "QUYNHMAI", 17, false},
	{"Thanh Lương", "THANHLUONG", 18, true},
	{"Thanh Nhàn", "THANHNHAN", 19, false},
	{"Trương Định", "TRUONGDINH", 17, false},
	{"Vĩnh Tuy", "VINHTUY", 23, true},
}

// WardNames returns the names of the 20 wards, e.g. "Bạch Mai".
func WardNames() []string {
	out := make([]string, len(wards))
	for i, w := range wards {
		out[i] = w.name
	}
	return out
}

// org is a grassroots organization other than a ward. An org without cells
// and sub-committees is a Chi bộ cơ sở (a single cell, kind grassroots_cell)
// of its category; the others are Đảng bộ cơ sở whose cells have its category.
type org struct {
	code, name, category string
	cells                []string
	subs                 []sub
}

// sub is a sub-committee (Đảng bộ bộ phận) and its cells.
type sub struct {
	code, name string
	cells      []string
}

// orgs are the grassroots organizations of the district besides the wards:
// hospitals, universities and schools, agencies, armed forces, enterprises.
var orgs = []org{
	// Health.
	{code: "BVPHOI", name: "Đảng bộ Bệnh viện Phổi Hà Nội", category: domain.CategoryHospital, cells: []string{
		"Khoa Khám bệnh", "Khoa Lao", "Khoa Hồi sức tích cực – Chống độc", "Khoa Xét nghiệm",
		"Khoa Dược", "Khối Hành chính",
	}},
	{code: "BVTHANHNHAN", name: "Đảng bộ Bệnh viện Thanh Nhàn", category: domain.CategoryHospital,
		cells: []string{"Phòng Kế hoạch tổng hợp", "Khối Hành chính – Quản trị", "Khoa Dược"},
		subs: []sub{
			{"KHOINOI", "Đảng bộ bộ phận Khối Nội", []string{"Khoa Nội tổng hợp", "Khoa Tim mạch", "Khoa Thận – Tiết niệu", "Khoa Nhi"}},
			{"KHOINGOAI", "Đảng bộ bộ phận Khối Ngoại", []string{"Khoa Ngoại tổng hợp", "Khoa Chấn thương chỉnh hình", "Khoa Gây mê hồi sức", "Khoa Sản"}},
		}},
	{code: "BVMAT", name: "Đảng bộ Bệnh viện Mắt Trung ương", category: domain.CategoryHospital, cells: []string{
		"Khoa Khám bệnh", "Khoa Glôcôm", "Khoa Đáy mắt – Màng bồ đào", "Khoa Mắt trẻ em", "Khối Hành chính",
	}},
	{code: "TTYT", name: "Đảng bộ Trung tâm Y tế quận Hai Bà Trưng", category: domain.CategoryHospital, cells: []string{
		"Khoa Kiểm soát bệnh tật", "Khoa Khám bệnh", "Khối Trạm y tế phường", "Khối Hành chính",
	}},
	// Universities and schools.
	{code: "DHBK", name: "Đảng bộ Đại học Bách khoa Hà Nội", category: domain.CategorySchool,
		cells: []string{"Cơ quan Văn phòng", "Ban Đào tạo", "Thư viện Tạ Quang Bửu"},
		subs: []sub{
			{"COKHI", "Đảng bộ bộ phận Trường Cơ khí", []string{"Khoa Cơ khí động lực", "Khoa Cơ điện tử", "Khoa Máy và ma sát học", "Sinh viên Trường Cơ khí"}},
			{"DIEN", "Đảng bộ bộ phận Trường Điện – Điện tử", []string{"Khoa Điện", "Khoa Điện tử", "Khoa Tự động hóa", "Sinh viên Trường Điện – Điện tử"}},
			{"CNTT", "Đảng bộ bộ phận Trường Công nghệ Thông tin và Truyền thông", []string{"Khoa Khoa học máy tính", "Khoa Kỹ thuật máy tính", "Khoa Hệ thống thông tin", "Sinh viên Trường CNTT&TT"}},
		}},
	{code: "DHKTQD", name: "Đảng bộ Trường Đại học Kinh tế Quốc dân", category: domain.CategorySchool, cells: []string{
		"Khoa Kinh tế học", "Khoa Kế toán – Kiểm toán", "Viện Ngân hàng – Tài chính", "Khoa Marketing",
		"Khoa Quản trị kinh doanh", "Phòng Quản lý đào tạo", "Khối Hành chính", "Sinh viên",
	}},
	{code: "DHXD", name: "Đảng bộ Trường Đại học Xây dựng Hà Nội", category: domain.CategorySchool, cells: []string{
		"Khoa Xây dựng dân dụng và công nghiệp", "Khoa Kiến trúc và Quy hoạch", "Khoa Cầu đường",
		"Khoa Công nghệ thông tin", "Khối Hành chính", "Sinh viên",
	}},
	{code: "DHMO", name: "Đảng bộ Trường Đại học Mở Hà Nội", category: domain.CategorySchool, cells: []string{
		"Khoa Kinh tế", "Khoa Luật", "Khoa Tiếng Anh", "Khối Hành chính",
	}},
	{code: "DHKDCN", name: "Đảng bộ Trường Đại học Kinh doanh và Công nghệ Hà Nội", category: domain.CategorySchool, cells: []string{
		"Khoa Quản lý kinh doanh", "Khoa Tài chính – Ngân hàng", "Khoa Y", "Khối Hành chính",
	}},
	{code: "THPTTRANNHANTONG", name: "Chi bộ Trường THPT Trần Nhân Tông", category: domain.CategorySchool},
	{code: "THPTTHANGLONG", name: "Chi bộ Trường THPT Thăng Long", category: domain.CategorySchool},
	{code: "THPTDOANKET", name: "Chi bộ Trường THPT Đoàn Kết – Hai Bà Trưng", category: domain.CategorySchool},
	{code: "THCSLENGOCHAN", name: "Chi bộ Trường THCS Lê Ngọc Hân", category: domain.CategorySchool},
	{code: "THCSTAYSON", name: "Chi bộ Trường THCS Tây Sơn", category: domain.CategorySchool},
	{code: "THCSNGOQUYEN", name: "Chi bộ Trường THCS Ngô Quyền", category: domain.CategorySchool},
	{code: "THCSHAHUYTAP", name: "Chi bộ Trường THCS Hà Huy Tập", category: domain.CategorySchool},
	{code: "THCSDOANKET", name: "Chi bộ Trường THCS Đoàn Kết", category: domain.CategorySchool},
	{code: "THCSTOHOANG", name: "Chi bộ Trường THCS Tô Hoàng", category: domain.CategorySchool},
	{code: "TTGDNN", name: "Chi bộ Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên quận", category: domain.CategorySchool},
	// Agencies of the district.
	{code: "COQUANQU", name: "Đảng bộ Cơ quan Quận ủy", category: domain.CategoryAgency, cells: []string{
		"Văn phòng Quận ủy", "Ban Tổ chức Quận ủy", "Ban Tuyên giáo Quận ủy", "Ủy ban Kiểm tra Quận ủy",
		"Ban Dân vận Quận ủy", "Trung tâm Chính trị quận",
	}},
	{code: "UBND", name: "Đảng bộ Cơ quan Ủy ban nhân dân quận", category: domain.CategoryAgency, cells: []string{
		"Văn phòng HĐND – UBND quận", "Phòng Tài chính – Kế hoạch", "Phòng Quản lý đô thị", "Phòng Giáo dục và Đào tạo",
		"Phòng Y tế", "Phòng Lao động – Thương binh và Xã hội", "Phòng Tài nguyên và Môi trường", "Phòng Kinh tế",
	}},
	{code: "CHICUCTHUE", name: "Đảng bộ Chi cục Thuế quận Hai Bà Trưng", category: domain.CategoryAgency, cells: []string{
		"Đội Kiểm tra thuế số 1", "Đội Kiểm tra thuế số 2", "Đội Tuyên truyền – Hỗ trợ người nộp thuế", "Đội Hành chính – Nhân sự – Tài vụ",
	}},
	{code: "MTTQ", name: "Chi bộ Cơ quan Ủy ban Mặt trận Tổ quốc và các đoàn thể quận", category: domain.CategoryAgency},
	{code: "VKSND", name: "Chi bộ Viện Kiểm sát nhân dân quận", category: domain.CategoryAgency},
	{code: "TAND", name: "Chi bộ Tòa án nhân dân quận", category: domain.CategoryAgency},
	{code: "THADS", name: "Chi bộ Chi cục Thi hành án dân sự quận", category: domain.CategoryAgency},
	{code: "KBNN", name: "Chi bộ Kho bạc Nhà nước Hai Bà Trưng", category: domain.CategoryAgency},
	{code: "BHXH", name: "Chi bộ Bảo hiểm xã hội quận Hai Bà Trưng", category: domain.CategoryAgency},
	{code: "NHCSXH", name: "Chi bộ Phòng giao dịch Ngân hàng Chính sách xã hội quận", category: domain.CategoryAgency},
	{code: "BQLDA", name: "Chi bộ Ban Quản lý dự án đầu tư xây dựng quận", category: domain.CategoryAgency},
	{code: "TTVHTT", name: "Chi bộ Trung tâm Văn hóa – Thông tin và Thể thao quận", category: domain.CategoryAgency},
	// Armed forces.
	{code: "CONGAN", name: "Đảng bộ Công an quận Hai Bà Trưng", category: domain.CategoryArmedForces, cells: []string{
		"Đội Tham mưu – Tổng hợp", "Đội Cảnh sát hình sự", "Đội Cảnh sát điều tra tội phạm về kinh tế và ma túy",
		"Đội Cảnh sát quản lý hành chính về trật tự xã hội", "Đội Cảnh sát giao thông – Trật tự", "Đội Cảnh sát phòng cháy, chữa cháy",
	}},
	{code: "QUANSU", name: "Đảng bộ Quân sự quận Hai Bà Trưng", category: domain.CategoryArmedForces, cells: []string{
		"Cơ quan Ban Chỉ huy Quân sự quận", "Đại đội Dân quân tự vệ cơ động", "Đảng viên quân nhân dự bị",
	}},
	// Enterprises.
	{code: "DET83", name: "Đảng bộ Công ty TNHH Một thành viên Dệt 8-3", category: domain.CategoryEnterprise, cells: []string{
		"Nhà máy Sợi", "Nhà máy Dệt", "Nhà máy Nhuộm", "Khối Cơ quan",
	}},
	{code: "HAIHA", name: "Đảng bộ Công ty Cổ phần Bánh kẹo Hải Hà", category: domain.CategoryEnterprise, cells: []string{
		"Xí nghiệp Kẹo", "Xí nghiệp Bánh", "Phòng Kinh doanh", "Khối Văn phòng",
	}},
	{code: "DETKIMDONGXUAN", name: "Đảng bộ Công ty Cổ phần Dệt kim Đông Xuân", category: domain.CategoryEnterprise, cells: []string{
		"Xí nghiệp Dệt kim", "Xí nghiệp May", "Khối Văn phòng",
	}},
	{code: "COKHITHD", name: "Đảng bộ Công ty Cổ phần Cơ khí Trần Hưng Đạo", category: domain.CategoryEnterprise, cells: []string{
		"Phân xưởng Cơ khí", "Phân xưởng Lắp ráp", "Khối Văn phòng",
	}},
	{code: "CHOMO", name: "Chi bộ Ban Quản lý chợ Mơ", category: domain.CategoryEnterprise},
	{code: "MOITRUONG", name: "Chi bộ Xí nghiệp Môi trường đô thị quận Hai Bà Trưng", category: domain.CategoryEnterprise},
	{code: "XAYDUNGHBT", name: "Chi bộ Công ty Cổ phần Đầu tư Xây dựng Hai Bà Trưng", category: domain.CategoryEnterprise},
}

// Units returns the demo tree, parents before children, as rows of a unit
// file: the city of Hà Nội, the district of Hai Bà Trưng, its 20 wards and
// 40 other grassroots organizations (60 in all), and 512 cells. The data
// are the same on every call and every machine; the numbers of members are
// made up but stable.
func Units() []domain.ImportRow {
	var b builder
	b.add(domain.UnitInput{Code: CityCode, Name: "Đảng bộ Thành phố Hà Nội", Kind: "city"})
	b.add(domain.UnitInput{Code: DistrictCode, Name: "Đảng bộ quận Hai Bà Trưng", Kind: "district", ParentCode: CityCode})
	for i, w := range wards {
		code := DistrictCode + "." + w.code
		b.add(domain.UnitInput{Code: code, Name: "Đảng bộ phường " + w.name, Kind: "grassroots_committee", ParentCode: DistrictCode})
		for n := 1; n <= w.residential; n++ {
			name, c := fmt.Sprintf("Chi bộ Tổ dân phố số %d", n), fmt.Sprintf("%s.TDP%02d", code, n)
			if w.khuDanCu {
				name, c = fmt.Sprintf("Chi bộ khu dân cư số %d", n), fmt.Sprintf("%s.KDC%02d", code, n)
			}
			b.cell(c, name, code, domain.CategoryResidential)
		}
		b.cell(code+".COQUAN", "Chi bộ Cơ quan phường "+w.name, code, domain.CategoryAgency)
		b.cell(code+".QUANSU", "Chi bộ Quân sự phường "+w.name, code, domain.CategoryArmedForces)
		if code == BachMaiCode {
			continue
		}
		if i%2 == 0 {
			b.cell(code+".MAMNON", "Chi bộ Trường Mầm non "+w.name, code, domain.CategorySchool)
		} else {
			b.cell(code+".DOANHNGHIEP", "Chi bộ Khối doanh nghiệp phường "+w.name, code, domain.CategoryEnterprise)
		}
	}
	for _, o := range orgs {
		code := DistrictCode + "." + o.code
		if len(o.cells) == 0 && len(o.subs) == 0 {
			b.cellOf("grassroots_cell", code, o.name, DistrictCode, o.category)
			continue
		}
		b.add(domain.UnitInput{Code: code, Name: o.name, Kind: "grassroots_committee", ParentCode: DistrictCode})
		for _, s := range o.subs {
			sc := code + "." + s.code
			b.add(domain.UnitInput{Code: sc, Name: s.name, Kind: "subcommittee", ParentCode: code})
			for n, name := range s.cells {
				b.cell(fmt.Sprintf("%s.CB%02d", sc, n+1), "Chi bộ "+name, sc, o.category)
			}
		}
		for n, name := range o.cells {
			b.cell(fmt.Sprintf("%s.CB%02d", code, n+1), "Chi bộ "+name, code, o.category)
		}
	}
	b.sumMembers()
	return b.rows
}

// builder collects rows, numbered as in a file whose first row is the header.
type builder struct {
	rows []domain.ImportRow
}

func (b *builder) add(in domain.UnitInput) {
	b.rows = append(b.rows, domain.ImportRow{Row: len(b.rows) + 2, UnitInput: in})
}

// cell adds a cell with a stable, made-up number of members: 15–60 in a
// residential cell (many retired members), 8–40 elsewhere.
func (b *builder) cell(code, name, parent, category string) {
	b.cellOf("cell", code, name, parent, category)
}

// cellOf adds a cell-like unit of kind: a cell, or a grassroots cell.
func (b *builder) cellOf(kind, code, name, parent, category string) {
	b.add(domain.UnitInput{Code: code, Name: name, Kind: kind, ParentCode: parent, Category: category, Members: members(code, category)})
}

func members(code, category string) int {
	h := fnv.New32a()
	h.Write([]byte(code))
	n := h.Sum32()
	if category == domain.CategoryResidential {
		return 15 + int(n%46)
	}
	return 8 + int(n%33)
}

// sumMembers gives every unit above the cells the total of the cells below
// it. Rows come parents first, so a pass from the end adds children to parents.
func (b *builder) sumMembers() {
	index := make(map[string]int, len(b.rows))
	for i, r := range b.rows {
		index[r.Code] = i
	}
	for i := len(b.rows) - 1; i >= 0; i-- {
		r := b.rows[i]
		if p, ok := index[r.ParentCode]; ok && r.ParentCode != "" {
			b.rows[p].Members += r.Members
		}
	}
}
