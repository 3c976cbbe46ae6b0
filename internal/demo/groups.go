package demo

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/daihoi/daihoi/internal/auth"
	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// The district standing committee's 7 working groups (tổ công tác): each
// follows some of the 20 wards and of the other grassroots organizations,
// and its members attend the congresses there. Group 1 follows Bạch Mai,
// Minh Khai, Quỳnh Lôi and Quỳnh Mai; its leader totacong1 holds no role of
// their own (a demo login). The people are made up.

// GroupCount is how many working groups the demo district has.
const GroupCount = 7

// groupMember is a member of a demo group.
type groupMember struct{ username, fullName string }

// groupPeople are the leader (first) and the members of each group.
var groupPeople = [GroupCount][]groupMember{
	{{"totacong1", "Phạm Quốc Hưng"}, {"tct1.lan", "Nguyễn Thị Lan"}, {"tct1.duc", "Trần Minh Đức"}},
	{{"totacong2", "Vũ Thị Thanh Hương"}, {"tct2.son", "Lê Hồng Sơn"}, {"tct2.mai", "Đỗ Thị Mai"}},
	{{"totacong3", "Nguyễn Văn Thắng"}, {"tct3.hoa", "Phan Thị Hoa"}, {"tct3.tuan", "Bùi Anh Tuấn"}},
	{{"totacong4", "Hoàng Thị Bích Ngọc"}, {"tct4.khoa", "Đặng Văn Khoa"}, {"tct4.yen", "Ngô Thị Yến"}},
	{{"totacong5", "Trịnh Xuân Trường"}, {"tct5.ha", "Lương Thu Hà"}, {"tct5.long", "Đinh Văn Long"}},
	{{"totacong6", "Lê Thị Minh Nguyệt"}, {"tct6.quang", "Tạ Đình Quang"}, {"tct6.thu", "Vương Thị Thu"}},
	{{"totacong7", "Đào Mạnh Hùng"}, {"tct7.linh", "Cao Thị Linh"}, {"tct7.binh", "Mai Văn Bình"}},
}

// GroupName is the name of the n-th demo group (1-based).
func GroupName(n int) string { return fmt.Sprintf("Tổ công tác số %d", n) }

// GroupUnits returns the codes of the units each demo group follows: group
// 1 its four wards, the other 16 wards and every other grassroots
// organization dealt in turn to groups 2 to 7.
func GroupUnits() [GroupCount][]string {
	var out [GroupCount][]string
	out[0] = append(out[0], supervisedWards...)
	first := map[string]bool{}
	for _, c := range supervisedWards {
		first[c] = true
	}
	n := 0
	deal := func(code string) {
		out[1+n%(GroupCount-1)] = append(out[1+n%(GroupCount-1)], code)
		n++
	}
	for _, w := range wards {
		if code := DistrictCode + "." + w.code; !first[code] {
			deal(code)
		}
	}
	for _, o := range orgs {
		deal(DistrictCode + "." + o.code)
	}
	return out
}

// attendanceNotes are the notes the members record after a congress.
var attendanceNotes = []string{
	"Đại hội đúng quy trình, văn kiện chuẩn bị chu đáo. Cần theo dõi việc kiện toàn chi ủy sau đại hội.",
	"Tỷ lệ đảng viên dự đại hội cao; ý kiến thảo luận tập trung vào công tác vệ sinh môi trường, trật tự đô thị.",
	"Bầu cử đúng Quy chế; đề nghị Đảng ủy phường hướng dẫn lại cách lập biên bản kiểm phiếu.",
	"Báo cáo chính trị còn dài, ít số liệu so sánh; đã góp ý để chi bộ hoàn thiện trước khi gửi cấp trên.",
	"Chi bộ chưa giới thiệu được cấp ủy viên nữ; đề nghị theo dõi việc bổ sung sau đại hội.",
	"Đại hội diễn ra nghiêm túc, đảm bảo phòng chống dịch; không có vấn đề phải theo dõi.",
}

// pick is a stable choice from key among n.
func pick(key string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(n))
}

// seedGroups creates the members' accounts (the leader of group 1 is a
// demo login, made with the others), forms the 7 groups of the current
// round with their units, names an attendee for the congresses to come
// with a planned date, and records the attendance, with a note, at most
// of the congresses held (some stay without anyone from the group).
func seedGroups(ctx context.Context, svc *core.Service) error {
	sys := domain.SystemPrincipal()
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	units := GroupUnits()
	for i, people := range groupPeople {
		var members []string
		for j, m := range people {
			if i > 0 || j > 0 { // totacong1 is a demo login, made already
				if _, err := svc.SeedUser(ctx, sys, domain.User{Username: m.username, FullName: m.fullName, Lang: "vi"}, hash); err != nil {
					return fmt.Errorf("demo: user %s: %w", m.username, err)
				}
			}
			if j > 0 {
				members = append(members, m.username)
			}
		}
		g, err := svc.CreateWorkGroup(ctx, sys, domain.GroupInput{Unit: DistrictCode, Name: GroupName(i + 1), Leader: people[0].username, Members: members})
		if err != nil {
			return fmt.Errorf("demo: %s: %w", GroupName(i+1), err)
		}
		for _, code := range units[i] {
			if _, err := svc.AssignWorkGroupUnit(ctx, sys, g.ID, code); err != nil {
				return fmt.Errorf("demo: %s follows %s: %w", g.Name, code, err)
			}
		}
		if err := seedAttendance(ctx, svc, g.ID, people); err != nil {
			return err
		}
	}
	return nil
}

// seedAttendance names the attendees of a group's congresses and records
// those held: about four in five of them, each with a note.
func seedAttendance(ctx context.Context, svc *core.Service, groupID int64, people []groupMember) error {
	sys := domain.SystemPrincipal()
	page, err := svc.WorkGroupPage(ctx, sys, groupID)
	if err != nil {
		return fmt.Errorf("demo: group %d: %w", groupID, err)
	}
	for _, c := range page.Upcoming {
		m := people[pick(c.Unit.Code, len(people))]
		if _, err := svc.NameAttendee(ctx, sys, c.Unit.Code, m.username); err != nil {
			return fmt.Errorf("demo: attendee of %s: %w", c.Unit.Code, err)
		}
	}
	for _, c := range page.Unattended {
		if pick("held:"+c.Unit.Code, 5) == 0 {
			continue // held without anyone from the group
		}
		m := people[pick(c.Unit.Code, len(people))]
		if _, err := svc.NameAttendee(ctx, sys, c.Unit.Code, m.username); err != nil {
			return fmt.Errorf("demo: attendee of %s: %w", c.Unit.Code, err)
		}
		in := domain.AttendanceInput{Attended: true, Note: attendanceNotes[pick("note:"+c.Unit.Code, len(attendanceNotes))]}
		if _, err := svc.RecordAttendance(ctx, sys, c.Unit.Code, in); err != nil {
			return fmt.Errorf("demo: attendance at %s: %w", c.Unit.Code, err)
		}
	}
	return nil
}
