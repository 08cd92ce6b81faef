<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AdminPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="179"/>
        <source>The first administrator</source>
        <translation>第一位管理员</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="180"/>
        <source>The administrator adds the other operators after signing in.</source>
        <translation>管理员登录后再添加其他操作员。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="187"/>
        <source>Create administrator</source>
        <translation>创建管理员</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="192"/>
        <source>Operator ID</source>
        <translation>操作员编号</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="193"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="194"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="195"/>
        <source>Repeat password</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="204"/>
        <source>Fill in the ID, the name and the password.</source>
        <translation>请填写编号、姓名和密码。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="207"/>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="230"/>
        <source>Administrator created.</source>
        <translation>管理员已创建。</translation>
    </message>
</context>
<context>
    <name>AdminWorkspace</name>
    <message>
        <location filename="../../ui/admin/workspace.py" line="25"/>
        <source>Roster import</source>
        <translation>名册导入</translation>
    </message>
    <message>
        <location filename="../../ui/admin/workspace.py" line="26"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../ui/admin/workspace.py" line="27"/>
        <source>Counter and sync</source>
        <translation>窗口与同步</translation>
    </message>
    <message>
        <location filename="../../ui/admin/workspace.py" line="28"/>
        <source>Operators</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../ui/admin/workspace.py" line="29"/>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
</context>
<context>
    <name>BlocklistScreen</name>
    <message>
        <location filename="../../ui/blocklist.py" line="51"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="52"/>
        <source>ID number / case</source>
        <translation>证件号码 / 案例</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="53"/>
        <location filename="../../ui/blocklist.py" line="76"/>
        <location filename="../../ui/blocklist.py" line="85"/>
        <location filename="../../ui/blocklist.py" line="93"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="54"/>
        <source>Added by</source>
        <translation>添加人</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="55"/>
        <source>Where it applies</source>
        <translation>适用范围</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="70"/>
        <source>Block an ID number</source>
        <translation>拉黑证件号码</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="74"/>
        <source>Block the number</source>
        <translation>拉黑此号码</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="75"/>
        <location filename="../../ui/blocklist.py" line="189"/>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="79"/>
        <source>Block the faces of a revoked case</source>
        <translation>拉黑已撤销案例的人脸</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="83"/>
        <source>Block the faces</source>
        <translation>拉黑人脸</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="84"/>
        <source>Registration number</source>
        <translation>报名号</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="88"/>
        <source>Lift the selected entry</source>
        <translation>解除所选条目</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="91"/>
        <source>Lift the entry</source>
        <translation>解除该条目</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="132"/>
        <source>The number is blocked.</source>
        <translation>号码已列入黑名单。</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="146"/>
        <source>Faces blocked: %1.</source>
        <translation>已拉黑人脸：%1 个。</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="164"/>
        <source>The entry is lifted.</source>
        <translation>该条目已解除。</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="189"/>
        <source>Face</source>
        <translation>人脸</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="199"/>
        <source>the adder is not a supervisor of this site centrally</source>
        <translation>中心库中添加人不是本考点的主管</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="203"/>
        <source>This counter; refused centrally: %1</source>
        <translation>仅本窗口；中心拒绝：%1</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="204"/>
        <source>Every counter</source>
        <translation>所有窗口</translation>
    </message>
    <message>
        <location filename="../../ui/blocklist.py" line="204"/>
        <source>This counter</source>
        <translation>仅本窗口</translation>
    </message>
</context>
<context>
    <name>CameraPreview</name>
    <message>
        <location filename="../../ui/widgets.py" line="192"/>
        <source>Hold still: capturing</source>
        <translation>请保持不动：正在采集</translation>
    </message>
</context>
<context>
    <name>CandidatePanel</name>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="37"/>
        <source>Pre-registration</source>
        <translation>预注册信息</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="41"/>
        <source>ID number, last 6 digits, name or phone</source>
        <translation>证件号码、后 6 位、姓名或手机号</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="43"/>
        <source>Search</source>
        <translation>查找</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="54"/>
        <location filename="../../ui/counter/candidate_panel.py" line="105"/>
        <source>No candidate yet</source>
        <translation>尚无考生</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="95"/>
        <source>Not pre-registered</source>
        <translation>未预注册</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="98"/>
        <source>Tell the candidate: register on the provincial candidate platform first, then come back at the published confirmation times.</source>
        <translation>请告知考生：先在省考生服务平台完成预注册，再按公布的时间前来现场确认。</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="103"/>
        <source>Several records: choose one above</source>
        <translation>找到多条记录：请在上方选择</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="109"/>
        <source>Prior-diploma check failed: ask for the certificate</source>
        <translation>前置学历核验未通过：请查验毕业证书</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="111"/>
        <source>Prior-diploma check pending</source>
        <translation>前置学历核验中</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="113"/>
        <source>Earlier attempts: {0}</source>
        <translation>此前确认次数：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="117"/>
        <source>Sync conflict: the central database kept another decision (see supervisor)</source>
        <translation>同步冲突：中心库保留了另一个决定（请找审核员处理）</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="122"/>
        <source>Card and registration differ: {0}</source>
        <translation>证件与报名信息不符：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="128"/>
        <source>Programme: {0} {1}</source>
        <translation>专业：{0} {1}</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="131"/>
        <source>Exam area: {0}</source>
        <translation>考区：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="132"/>
        <source>State: {0}</source>
        <translation>状态：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="135"/>
        <source>Ticket number {0}</source>
        <translation>准考证号 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/counter/candidate_panel.py" line="138"/>
        <source>Tutoring unit: {0} {1}</source>
        <translation>助学单位：{0} {1}</translation>
    </message>
</context>
<context>
    <name>CardPanel</name>
    <message>
        <location filename="../../ui/counter/card_panel.py" line="19"/>
        <source>ID card</source>
        <translation>身份证</translation>
    </message>
    <message>
        <location filename="../../ui/counter/card_panel.py" line="21"/>
        <location filename="../../ui/counter/card_panel.py" line="45"/>
        <source>Place the ID card on the reader</source>
        <translation>请将身份证放在读卡器上</translation>
    </message>
    <message>
        <location filename="../../ui/counter/card_panel.py" line="25"/>
        <source>Read card with camera</source>
        <translation>用摄像头读卡</translation>
    </message>
    <message>
        <location filename="../../ui/counter/card_panel.py" line="26"/>
        <source>Document without chip…</source>
        <translation>无芯片证件…</translation>
    </message>
    <message>
        <location filename="../../ui/counter/card_panel.py" line="37"/>
        <source>Typed in: {0} {1}</source>
        <translation>手工录入：{0} {1}</translation>
    </message>
    <message>
        <location filename="../../ui/counter/card_panel.py" line="41"/>
        <source>A document without a chip is always referred to a supervisor.</source>
        <translation>无芯片证件一律转审核员审核。</translation>
    </message>
    <message>
        <location filename="../../ui/counter/card_panel.py" line="48"/>
        <source>long-term</source>
        <translation>长期</translation>
    </message>
    <message>
        <location filename="../../ui/counter/card_panel.py" line="54"/>
        <source>Born {0}, valid until {1}</source>
        <translation>出生 {0}，有效期至 {1}</translation>
    </message>
</context>
<context>
    <name>ChallengeOverlay</name>
    <message>
        <location filename="../../ui/counter/challenge.py" line="57"/>
        <source>Liveness check passed</source>
        <translation>活体检测通过</translation>
    </message>
    <message>
        <location filename="../../ui/counter/challenge.py" line="58"/>
        <source>Liveness check failed: %1</source>
        <translation>活体检测未通过：%1</translation>
    </message>
    <message>
        <location filename="../../ui/counter/challenge.py" line="65"/>
        <source>Look at the camera</source>
        <translation>请正视摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/counter/challenge.py" line="67"/>
        <source>Blink your eyes</source>
        <translation>请眨眨眼</translation>
    </message>
    <message>
        <location filename="../../ui/counter/challenge.py" line="68"/>
        <source>Turn your head to your left</source>
        <translation>请向左转头</translation>
    </message>
    <message>
        <location filename="../../ui/counter/challenge.py" line="69"/>
        <source>Turn your head to your right</source>
        <translation>请向右转头</translation>
    </message>
    <message>
        <location filename="../../ui/counter/challenge.py" line="93"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
</context>
<context>
    <name>ConsentBar</name>
    <message>
        <location filename="../../ui/counter/consent.py" line="29"/>
        <source>Processing notice: to confirm your identity the exam authority compares a photo taken now with your ID card and registration photo. The photo and its face data are kept on this counter and the authority&apos;s own systems, encrypted, for at most 180 days after the decision, then deleted. You may refuse: a supervisor then checks your documents by hand.</source>
        <translation>个人信息处理告知：为确认您的身份，考试机构将把现场拍摄的照片与您的身份证及报名照片进行比对。照片及其人脸数据仅加密保存在本窗口和考试机构自己的系统中，自作出决定之日起最长保存 180 天，之后删除。您可以拒绝：届时将由审核员人工核验您的证件。</translation>
    </message>
    <message>
        <location filename="../../ui/counter/consent.py" line="40"/>
        <source>Candidate consents</source>
        <translation>考生同意</translation>
    </message>
    <message>
        <location filename="../../ui/counter/consent.py" line="42"/>
        <source>Candidate refuses: refer to supervisor</source>
        <translation>考生不同意：转审核员</translation>
    </message>
</context>
<context>
    <name>CounterScreen</name>
    <message>
        <location filename="../../ui/counter/screen.py" line="148"/>
        <source>TEST CAMERA: this counter shows recorded pictures, not a live camera. Do not confirm real candidates.</source>
        <translation>测试摄像头：本窗口显示的是录制的画面，不是实时摄像头。请勿为真实考生办理确认。</translation>
    </message>
    <message>
        <location filename="../../ui/counter/screen.py" line="165"/>
        <source>Confirm (Enter)</source>
        <translation>确认（回车）</translation>
    </message>
    <message>
        <location filename="../../ui/counter/screen.py" line="166"/>
        <source>Refer to supervisor (F6)</source>
        <translation>转审核员（F6）</translation>
    </message>
    <message>
        <location filename="../../ui/counter/screen.py" line="167"/>
        <source>Reject (F8)</source>
        <translation>不予确认（F8）</translation>
    </message>
    <message>
        <location filename="../../ui/counter/screen.py" line="168"/>
        <source>Retake (F5)</source>
        <translation>重拍（F5）</translation>
    </message>
    <message>
        <location filename="../../ui/counter/screen.py" line="169"/>
        <source>Capture (Space)</source>
        <translation>拍照（空格）</translation>
    </message>
    <message>
        <location filename="../../ui/counter/screen.py" line="170"/>
        <source>Next candidate (F12)</source>
        <translation>下一位（F12）</translation>
    </message>
    <message>
        <location filename="../../ui/counter/screen.py" line="360"/>
        <source>Consent to face processing refused</source>
        <translation>考生不同意人脸信息处理</translation>
    </message>
    <message>
        <location filename="../../ui/counter/screen.py" line="566"/>
        <source>Refer to supervisor</source>
        <translation>转审核员</translation>
    </message>
    <message>
        <location filename="../../ui/counter/screen.py" line="578"/>
        <source>Reject</source>
        <translation>不予确认</translation>
    </message>
    <message>
        <location filename="../../ui/counter/screen.py" line="589"/>
        <source>No camera picture: hold the card up to the camera.</source>
        <translation>没有摄像头画面：请将证件对准摄像头。</translation>
    </message>
    <message>
        <location filename="../../ui/counter/screen.py" line="592"/>
        <source>Reading the card…</source>
        <translation>正在读取证件…</translation>
    </message>
</context>
<context>
    <name>CounterStatePanel</name>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="28"/>
        <source>This counter</source>
        <translation>本窗口</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="34"/>
        <source>every exam area</source>
        <translation>全部考区</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="36"/>
        <source>Site</source>
        <translation>考点</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="37"/>
        <source>Counter</source>
        <translation>确认窗口</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="38"/>
        <source>Method</source>
        <translation>确认方式</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="39"/>
        <source>Exam areas</source>
        <translation>考区</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="40"/>
        <source>Tutoring unit</source>
        <translation>助学单位</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="42"/>
        <source>Enrolment and synchronisation</source>
        <translation>注册与同步</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="55"/>
        <source>Enrolment</source>
        <translation>注册</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="56"/>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="57"/>
        <source>Last success</source>
        <translation>上次成功</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="58"/>
        <source>Last attempt</source>
        <translation>上次尝试</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="59"/>
        <source>Waiting to send</source>
        <translation>待发送</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="60"/>
        <source>Open conflicts</source>
        <translation>未解决冲突</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="61"/>
        <source>Ticket numbers left</source>
        <translation>剩余准考证号</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="62"/>
        <source>Last error</source>
        <translation>上次错误</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="65"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="92"/>
        <source>Standalone counter: not enrolled with a central service; its own administrator manages operators and ticket numbers.</source>
        <translation>单机窗口：未在中心服务注册；由本窗口管理员管理操作员和准考证号。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="101"/>
        <source>Enrolled as {0} with {1}</source>
        <translation>已注册为 {0}，中心服务 {1}</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="103"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="103"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../ui/admin/counter_state.py" line="107"/>
        <source>{0} pending, {1} parked</source>
        <translation>待发送 {0} 条，搁置 {1} 条</translation>
    </message>
</context>
<context>
    <name>DemoPanel</name>
    <message>
        <location filename="../../ui/demo.py" line="83"/>
        <source>Demo: simulated card reader and file camera.</source>
        <translation>演示模式：模拟读卡器和文件摄像头。</translation>
    </message>
    <message>
        <location filename="../../ui/demo.py" line="85"/>
        <source>No face images found: the camera shows a generated pattern.</source>
        <translation>未找到人脸图片：摄像头显示生成的测试画面。</translation>
    </message>
    <message>
        <location filename="../../ui/demo.py" line="87"/>
        <source>Place next candidate&apos;s card</source>
        <translation>放置下一位考生的身份证</translation>
    </message>
    <message>
        <location filename="../../ui/demo.py" line="88"/>
        <source>Lift card</source>
        <translation>取走证件</translation>
    </message>
</context>
<context>
    <name>DevicesPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="250"/>
        <source>Camera and card reader</source>
        <translation>摄像头和读卡器</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="251"/>
        <source>Try each one; you can change them later in the settings.</source>
        <translation>请逐一测试；以后可在设置中更改。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="255"/>
        <source>Webcam</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="255"/>
        <source>Folder or video file (testing)</source>
        <translation>文件夹或视频文件（测试用）</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="255"/>
        <source>Test pattern</source>
        <translation>测试图案</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="264"/>
        <source>Try the camera</source>
        <translation>测试摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="276"/>
        <source>Try the reader</source>
        <translation>测试读卡器</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="289"/>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="290"/>
        <source>Webcam number</source>
        <translation>摄像头编号</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="291"/>
        <source>Folder or file</source>
        <translation>文件夹或文件</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="294"/>
        <source>Reader port</source>
        <translation>读卡器端口</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="313"/>
        <source>Opening the camera…</source>
        <translation>正在打开摄像头…</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="332"/>
        <source>The camera works (%1×%2).</source>
        <translation>摄像头工作正常（%1×%2）。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="340"/>
        <source>The camera cannot be opened or sends no picture.</source>
        <translation>摄像头无法打开或没有画面。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="346"/>
        <source>The simulator needs no check.</source>
        <translation>模拟器无需测试。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="349"/>
        <source>Asking the reader…</source>
        <translation>正在询问读卡器…</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="371"/>
        <source>The reader answers.</source>
        <translation>读卡器有应答。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="373"/>
        <source>No reader answers on this port.</source>
        <translation>此端口上没有读卡器应答。</translation>
    </message>
</context>
<context>
    <name>EnrolPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="103"/>
        <source>Enrol with the central service</source>
        <translation>在中心服务注册</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="104"/>
        <source>Type what the central administrator gave you.</source>
        <translation>请输入中心管理员提供的信息。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="111"/>
        <source>Enrol</source>
        <translation>注册</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="116"/>
        <source>Service address</source>
        <translation>服务地址</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="117"/>
        <source>One-time code</source>
        <translation>一次性注册码</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="118"/>
        <source>Certificate fingerprint</source>
        <translation>证书指纹</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="126"/>
        <source>Fill in all three fields.</source>
        <translation>请填写全部三项。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="129"/>
        <source>Enrolling…</source>
        <translation>正在注册…</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="156"/>
        <source>Enrolled as counter %1. Operators arrive with the first sync.</source>
        <translation>已注册为柜台 %1。操作员随首次同步到达。</translation>
    </message>
</context>
<context>
    <name>ExportPanel</name>
    <message>
        <location filename="../../ui/admin/export.py" line="43"/>
        <source>Confirmed since</source>
        <translation>确认日期自</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export.py" line="45"/>
        <source>confirmed.csv or confirmed.xlsx</source>
        <translation>confirmed.csv 或 confirmed.xlsx</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export.py" line="46"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export.py" line="51"/>
        <location filename="../../ui/admin/export.py" line="77"/>
        <source>Export file</source>
        <translation>导出文件</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export.py" line="52"/>
        <source>Full names and ID numbers (audited)</source>
        <translation>完整姓名和证件号码（记入审计）</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export.py" line="54"/>
        <source>Why the full numbers are needed</source>
        <translation>需要完整号码的原因</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export.py" line="58"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export.py" line="63"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export.py" line="77"/>
        <source>Tables (*.csv *.xlsx)</source>
        <translation>表格 (*.csv *.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export.py" line="87"/>
        <source>Choose the export file first.</source>
        <translation>请先选择导出文件。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export.py" line="105"/>
        <source>Wrote {0} confirmations to {1}.</source>
        <translation>已将 {0} 条确认记录写入 {1}。</translation>
    </message>
</context>
<context>
    <name>FirstAdministratorPage</name>
    <message>
        <location filename="../../ui/signin.py" line="127"/>
        <source>First start: create the administrator</source>
        <translation>首次启动：创建系统管理员</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="128"/>
        <source>Operator id</source>
        <translation>操作员账号</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="129"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="130"/>
        <source>Password (10+ characters)</source>
        <translation>密码（至少 10 位）</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="131"/>
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="132"/>
        <source>Create administrator</source>
        <translation>创建管理员</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="137"/>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <location filename="../../ui/first_run.py" line="390"/>
        <source>Confirmation Desk: first start</source>
        <translation>现场确认系统：首次启动</translation>
    </message>
</context>
<context>
    <name>LivenessBar</name>
    <message>
        <location filename="../../ui/counter/liveness_bar.py" line="41"/>
        <source>Check again (F7)</source>
        <translation>重新检测 (F7)</translation>
    </message>
    <message>
        <location filename="../../ui/counter/liveness_bar.py" line="42"/>
        <source>Supervisor accepts…</source>
        <translation>审核员认可…</translation>
    </message>
    <message>
        <location filename="../../ui/counter/liveness_bar.py" line="56"/>
        <source>Liveness check: after the photo</source>
        <translation>活体检测：拍照之后进行</translation>
    </message>
    <message>
        <location filename="../../ui/counter/liveness_bar.py" line="59"/>
        <source>Liveness check %1 of %2: the candidate follows the prompt</source>
        <translation>活体检测第 %1 次（共 %2 次）：请考生按提示动作</translation>
    </message>
    <message>
        <location filename="../../ui/counter/liveness_bar.py" line="64"/>
        <source>Liveness check: starting</source>
        <translation>活体检测：正在开始</translation>
    </message>
    <message>
        <location filename="../../ui/counter/liveness_bar.py" line="67"/>
        <source>Liveness check passed</source>
        <translation>活体检测通过</translation>
    </message>
    <message>
        <location filename="../../ui/counter/liveness_bar.py" line="71"/>
        <source>Liveness check failed; accepted by supervisor %1</source>
        <translation>活体检测未通过；审核员 %1 已认可</translation>
    </message>
    <message>
        <location filename="../../ui/counter/liveness_bar.py" line="78"/>
        <source>Liveness check failed: %1</source>
        <translation>活体检测未通过：%1</translation>
    </message>
</context>
<context>
    <name>LockPage</name>
    <message>
        <location filename="../../ui/signin.py" line="166"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="169"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="170"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="173"/>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="181"/>
        <source>Signed in: {0} ({1})</source>
        <translation>已登录：{0}（{1}）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="119"/>
        <source>Confirmation Desk</source>
        <translation>现场确认系统</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="216"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="234"/>
        <location filename="../../ui/main_window.py" line="370"/>
        <source>Counter</source>
        <translation>确认窗口</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="237"/>
        <location filename="../../ui/main_window.py" line="564"/>
        <location filename="../../ui/main_window.py" line="568"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="239"/>
        <source>Self-test</source>
        <translation>自检</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="241"/>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="244"/>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="221"/>
        <source>Database: ready</source>
        <translation>数据库：正常</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="262"/>
        <source>Sync: not set up</source>
        <translation>同步：未配置</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="263"/>
        <location filename="../../ui/main_window.py" line="396"/>
        <source>Not signed in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="289"/>
        <source>no face engine</source>
        <translation>无人脸引擎</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="366"/>
        <source>Review queue</source>
        <translation>审核队列</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="370"/>
        <source>Class roster</source>
        <translation>班级名单</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="374"/>
        <source>Blocklist</source>
        <translation>黑名单</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="380"/>
        <source>Signed in: {0} ({1})</source>
        <translation>已登录：{0}（{1}）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="432"/>
        <source>Camera disconnected: reconnecting…</source>
        <translation>摄像头已断开，正在重新连接…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="434"/>
        <source>No camera: check the cable and the settings</source>
        <translation>没有摄像头：请检查连线和设置</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="456"/>
        <source>Card reader: {0}</source>
        <translation>读卡器：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="462"/>
        <source>Camera: {0:.0f} fps</source>
        <translation>摄像头：{0:.0f} 帧/秒</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="463"/>
        <source>Camera: disconnected</source>
        <translation>摄像头：已断开</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="464"/>
        <source>Camera: unavailable</source>
        <translation>摄像头：不可用</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="465"/>
        <source>Camera: starting</source>
        <translation>摄像头：启动中</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="466"/>
        <source>Camera: none</source>
        <translation>摄像头：无</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="469"/>
        <source>Reader: connected</source>
        <translation>读卡器：已连接</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="470"/>
        <source>Reader: disconnected</source>
        <translation>读卡器：已断开</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="471"/>
        <source>Reader: starting</source>
        <translation>读卡器：启动中</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="472"/>
        <source>Reader: none</source>
        <translation>读卡器：无</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="475"/>
        <source>Faces: ready</source>
        <translation>人脸：就绪</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="476"/>
        <source>Faces: loading</source>
        <translation>人脸：加载中</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="477"/>
        <source>Faces: unavailable</source>
        <translation>人脸：不可用</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="488"/>
        <source>Sync: standalone counter</source>
        <translation>同步：单机窗口</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="491"/>
        <source>Sync: problem</source>
        <translation>同步：出现问题</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="496"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="496"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="502"/>
        <source>Sync: {0}, last {1}, waiting {2}, conflicts {3}</source>
        <translation>同步：{0}，上次 {1}，待上传 {2}，冲突 {3}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="513"/>
        <source>Self-test: </source>
        <translation>自检：</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="526"/>
        <source>Database: problem</source>
        <translation>数据库：异常</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="564"/>
        <source>Saved. Some settings apply at the next start.</source>
        <translation>已保存。部分设置在下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="373"/>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="376"/>
        <source>Administration</source>
        <translation>系统管理</translation>
    </message>
</context>
<context>
    <name>ManualDocumentDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="61"/>
        <source>Document without chip</source>
        <translation>无芯片证件</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="70"/>
        <source>Document</source>
        <translation>证件</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="71"/>
        <source>Number</source>
        <translation>号码</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="73"/>
        <source>A document without a chip is always referred to a supervisor.</source>
        <translation>无芯片证件一律转审核员审核。</translation>
    </message>
</context>
<context>
    <name>MatchPanel</name>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="207"/>
        <location filename="../../ui/counter/match_panel.py" line="308"/>
        <source>The faces match, but only just: compare the live face with the photos side by side (ears, hairline, moles, teeth) before confirming.</source>
        <translation>人脸比对通过，但相似度刚过线：请将现场照片与证件照片并排仔细比对（耳朵、发际线、痣、牙齿）后再确认。</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="74"/>
        <source>Face match</source>
        <translation>人脸比对</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="77"/>
        <location filename="../../ui/counter/match_panel.py" line="178"/>
        <location filename="../../ui/counter/match_panel.py" line="190"/>
        <source>Live</source>
        <translation>现场照片</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="78"/>
        <location filename="../../ui/counter/match_panel.py" line="192"/>
        <source>Card portrait</source>
        <translation>证件照片</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="79"/>
        <location filename="../../ui/counter/match_panel.py" line="193"/>
        <source>Registered e-photo</source>
        <translation>报名电子照片</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="81"/>
        <source>New registration photo</source>
        <translation>新报名照片</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="84"/>
        <source>Same face as</source>
        <translation>同一人脸：</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="97"/>
        <source>Compare side by side…</source>
        <translation>并排比对…</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="112"/>
        <source>Comparison</source>
        <translation>比对项</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="113"/>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="114"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="115"/>
        <source>Pass / review</source>
        <translation>通过 / 复核</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="130"/>
        <source>I compared the printed card photo with the person</source>
        <translation>我已核对证件上的照片与本人一致</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="137"/>
        <location filename="../../ui/counter/match_panel.py" line="271"/>
        <source>Capturing…</source>
        <translation>正在采集…</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="156"/>
        <source>No photo kept</source>
        <translation>未保留照片</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="160"/>
        <source>Same face as %1 (%2), confirmed %3 (distance %4 ≤ %5). Compare them side by side: if it is the same person, refer the case.</source>
        <translation>与 %1（%2，%3 已确认）为同一人脸（距离 %4 ≤ %5）。请并排比对两张人脸：如为同一人，请转主管处理。</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="177"/>
        <source>Same face as %1</source>
        <translation>与 %1 为同一人脸</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="199"/>
        <source>distance %1 (pass ≤ %2)</source>
        <translation>距离 %1（通过 ≤ %2）</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="204"/>
        <source>Compare before confirming</source>
        <translation>确认前请并排比对</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="212"/>
        <source>Same person: confirm</source>
        <translation>是同一人：确认</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="215"/>
        <source>Not sure: refer…</source>
        <translation>不能确定：转交…</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="236"/>
        <source>No face</source>
        <translation>无人脸</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="238"/>
        <source>No registration photo: retake.</source>
        <translation>无法生成报名照片：请重拍。</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="242"/>
        <source>Registration photo: %1. Retake (F5) if it should be better.</source>
        <translation>报名照片：%1。如需改善请重拍（F5）。</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="252"/>
        <source>No chip</source>
        <translation>无芯片</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="257"/>
        <source>Chip portrait needs a vendor decoder</source>
        <translation>芯片照片需厂商解码库</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="265"/>
        <source>No e-photo</source>
        <translation>无电子照片</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="274"/>
        <source>Live – card</source>
        <translation>现场 – 证件照</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="275"/>
        <source>Live – e-photo</source>
        <translation>现场 – 电子照片</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="276"/>
        <source>Card – e-photo</source>
        <translation>证件照 – 电子照片</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="279"/>
        <source>Pass</source>
        <translation>通过</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="280"/>
        <source>Review</source>
        <translation>需复核</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="281"/>
        <source>Fail</source>
        <translation>不通过</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="291"/>
        <source>n/a</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>ModePage</name>
    <message>
        <location filename="../../ui/first_run.py" line="67"/>
        <source>Set up this counter</source>
        <translation>设置本柜台</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="68"/>
        <source>How will this counter work?</source>
        <translation>本柜台如何工作？</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="69"/>
        <source>Enrolled with the central sync service</source>
        <translation>在中心同步服务注册</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="70"/>
        <source>Standalone (no central service)</source>
        <translation>单机（不连接中心服务）</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="80"/>
        <source>The central administrator gives you the service&apos;s address, a one-time code and the certificate fingerprint. Operators arrive with the first sync.</source>
        <translation>中心管理员会提供服务地址、一次性注册码和证书指纹。操作员随首次同步到达。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="87"/>
        <source>You create the first administrator of this counter next.</source>
        <translation>下一步创建本柜台的第一位管理员。</translation>
    </message>
</context>
<context>
    <name>OperatorsPanel</name>
    <message>
        <location filename="../../ui/admin/operators.py" line="34"/>
        <source>Operators</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../ui/admin/operators.py" line="40"/>
        <source>Add an operator</source>
        <translation>添加操作员</translation>
    </message>
    <message>
        <location filename="../../ui/admin/operators.py" line="50"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../ui/admin/operators.py" line="54"/>
        <source>Operator id</source>
        <translation>操作员账号</translation>
    </message>
    <message>
        <location filename="../../ui/admin/operators.py" line="55"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/admin/operators.py" line="56"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../ui/admin/operators.py" line="57"/>
        <source>Tutoring unit</source>
        <translation>助学单位</translation>
    </message>
    <message>
        <location filename="../../ui/admin/operators.py" line="58"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/admin/operators.py" line="64"/>
        <source>This counter is enrolled: operators, roles and passwords are managed on the central service and arrive with the next sync. The list is read-only here.</source>
        <translation>本窗口已注册：操作员、角色和密码由中心服务管理，随下次同步到达。此处列表只读。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/operators.py" line="124"/>
        <source>Added {0}</source>
        <translation>已添加 {0}</translation>
    </message>
</context>
<context>
    <name>OutcomePanel</name>
    <message>
        <location filename="../../ui/counter/outcome.py" line="46"/>
        <source>Save slip as PDF…</source>
        <translation>回执另存为 PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/counter/outcome.py" line="48"/>
        <source>Print slip…</source>
        <translation>打印回执…</translation>
    </message>
    <message>
        <location filename="../../ui/counter/outcome.py" line="66"/>
        <source>Ticket number {0}</source>
        <translation>准考证号 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/counter/outcome.py" line="68"/>
        <source>Confirmed. Press F12 for the next candidate.</source>
        <translation>已确认。按 F12 办理下一位考生。</translation>
    </message>
    <message>
        <location filename="../../ui/counter/outcome.py" line="74"/>
        <source>ALERT: this face matches another confirmed candidate. The case was referred to a supervisor.</source>
        <translation>警告：此人脸与另一名已确认考生相符，已转审核员审核。</translation>
    </message>
    <message>
        <location filename="../../ui/counter/outcome.py" line="78"/>
        <source>Referred to a supervisor.</source>
        <translation>已转审核员审核。</translation>
    </message>
    <message>
        <location filename="../../ui/counter/outcome.py" line="83"/>
        <source>Rejected.</source>
        <translation>已不予确认。</translation>
    </message>
    <message>
        <location filename="../../ui/counter/outcome.py" line="103"/>
        <source>Slip saved: {0}</source>
        <translation>回执已保存：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/counter/outcome.py" line="110"/>
        <source>Save slip</source>
        <translation>保存回执</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="43"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="44"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <location filename="../../ui/review.py" line="86"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="95"/>
        <source>Live</source>
        <translation>现场照片</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="96"/>
        <source>Card portrait</source>
        <translation>证件照片</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="97"/>
        <source>Registered e-photo</source>
        <translation>报名电子照片</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="110"/>
        <source>Approve (issue ticket number)</source>
        <translation>审核通过（发放准考证号）</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="114"/>
        <source>Reject…</source>
        <translation>不予确认…</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="116"/>
        <source>Show full numbers…</source>
        <translation>查看完整号码…</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="130"/>
        <source>Revoke a confirmation</source>
        <translation>撤销一条确认</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="133"/>
        <source>Registration id</source>
        <translation>报名号</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="134"/>
        <source>Revoke…</source>
        <translation>撤销…</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="150"/>
        <source>Sync conflicts</source>
        <translation>同步冲突</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="154"/>
        <source>Both versions seen: settle</source>
        <translation>已核对双方记录：了结冲突</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="173"/>
        <source>Thresholds (distance, pass / review): live–card {0} / {1}, live–e-photo {2} / {3}, card–e-photo {4} / {5}</source>
        <translation>阈值（距离，通过 / 复核）：现场–证件照 {0} / {1}，现场–电子照片 {2} / {3}，证件照–电子照片 {4} / {5}</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="210"/>
        <source>{0}: here {1}, central {2} ({3})</source>
        <translation>{0}：本窗口 {1}，中心库 {2}（{3}）</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="249"/>
        <source>Referred cases: {0}</source>
        <translation>待审核：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="260"/>
        <source>No referred cases.</source>
        <translation>没有待审核的案例。</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="274"/>
        <source>You referred this case yourself: another supervisor must decide.</source>
        <translation>此案例由您本人转审，须由另一名审核员决定。</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="278"/>
        <source>No live picture</source>
        <translation>无现场照片</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="279"/>
        <source>Chip portrait needs a vendor decoder</source>
        <translation>芯片照片需厂商解码库</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="280"/>
        <source>No e-photo</source>
        <translation>无电子照片</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="289"/>
        <source>Programme: {0} {1}</source>
        <translation>专业：{0} {1}</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="292"/>
        <source>Exam area: {0}</source>
        <translation>考区：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="293"/>
        <source>Reason: {0}</source>
        <translation>原因：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="294"/>
        <source>Note: {0}</source>
        <translation>备注：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="295"/>
        <source>Referred by {0} at {1}</source>
        <translation>{0} 于 {1} 转审核</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="298"/>
        <source>Earlier attempts: {0}</source>
        <translation>此前确认次数：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="317"/>
        <source>This face matches another confirmed candidate: {0}</source>
        <translation>此人脸与另一已确认考生相符：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="333"/>
        <source>Liveness check: passed</source>
        <translation>活体检测：通过</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="335"/>
        <source>Liveness check: failed ({0})</source>
        <translation>活体检测：未通过（{0}）</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="337"/>
        <source>accepted by {0}: {1}</source>
        <translation>已由 {0} 认可：{1}</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="417"/>
        <source>Reject</source>
        <translation>不予确认</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="425"/>
        <source>Show full numbers</source>
        <translation>查看完整号码</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="425"/>
        <source>Why are the full numbers needed?</source>
        <translation>为什么需要查看完整号码？</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="446"/>
        <source>ID number {0}, phone {1} (this view is recorded)</source>
        <translation>证件号码 {0}，手机号 {1}（本次查看已记录）</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="496"/>
        <source>Revoke</source>
        <translation>撤销确认</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="504"/>
        <source>Ticket number {0}</source>
        <translation>准考证号 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="140"/>
        <location filename="../../ui/review.py" line="458"/>
        <location filename="../../ui/review.py" line="463"/>
        <source>Evidence pack</source>
        <translation>证据包</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="143"/>
        <source>Registration id (default: the case shown)</source>
        <translation>报名号（默认：当前案例）</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="144"/>
        <source>Evidence pack…</source>
        <translation>证据包…</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="458"/>
        <source>Why is the evidence pack needed? (audited)</source>
        <translation>为何需要证据包？（记入审计）</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="463"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="490"/>
        <source>Wrote the evidence pack to {0}.</source>
        <translation>证据包已写入 {0}。</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="305"/>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="305"/>
        <source>face</source>
        <translation>人脸</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="308"/>
        <source>On the blocklist ({0}): {1}</source>
        <translation>在黑名单上（{0}）：{1}</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="99"/>
        <source>Supporting document</source>
        <translation>证明材料</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="282"/>
        <source>No document page</source>
        <translation>无证明材料照片</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="344"/>
        <source>Reason of visit: {0}</source>
        <translation>来访原因：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="362"/>
        <source>Verification code: not read</source>
        <translation>在线验证码：未识读</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="366"/>
        <source>Verification code: {0} (doubtful read: check the paper)</source>
        <translation>在线验证码：{0}（识读存疑，请核对原件）</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="372"/>
        <source>Verification code: {0}</source>
        <translation>在线验证码：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="374"/>
        <source>Document pages kept: {0}</source>
        <translation>已保存证明材料：{0} 页</translation>
    </message>
</context>
<context>
    <name>RosterImportPanel</name>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="50"/>
        <source>CSV (UTF-8 or GB18030) or XLSX from the platform</source>
        <translation>平台导出的 CSV（UTF-8 或 GB18030）或 XLSX</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="51"/>
        <location filename="../../ui/admin/roster_import.py" line="61"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="56"/>
        <location filename="../../ui/admin/roster_import.py" line="104"/>
        <source>Roster file</source>
        <translation>名册文件</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="59"/>
        <source>Folder or ZIP of e-photos (default: beside the file)</source>
        <translation>电子照片文件夹或 ZIP（默认：与名册同目录）</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="66"/>
        <location filename="../../ui/admin/roster_import.py" line="110"/>
        <source>E-photos</source>
        <translation>电子照片</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="67"/>
        <source>Skip invalid rows (import the good ones)</source>
        <translation>跳过无效行（导入有效行）</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="71"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="73"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="88"/>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="88"/>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="88"/>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="88"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="104"/>
        <source>Rosters (*.csv *.xlsx)</source>
        <translation>名册 (*.csv *.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="119"/>
        <source>Choose the roster file first.</source>
        <translation>请先选择名册文件。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="133"/>
        <source>Reading {0}…</source>
        <translation>正在读取 {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="152"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="173"/>
        <source>Imported: {0} new, {1} updated, {2} unchanged, {3} photos; {4} bad rows skipped.</source>
        <translation>已导入：新增 {0}，更新 {1}，未变 {2}，照片 {3}；跳过无效行 {4}。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="176"/>
        <source>{0} records already decided were left as they are.</source>
        <translation>{0} 条已有决定的记录保持不变。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/roster_import.py" line="183"/>
        <source>Nothing imported: {0} rows have problems. Fix them, or tick &apos;skip invalid rows&apos; to import the rest.</source>
        <translation>未导入任何记录：{0} 行有问题。请修正，或勾选“跳过无效行”导入其余记录。</translation>
    </message>
</context>
<context>
    <name>RosterPanel</name>
    <message>
        <location filename="../../ui/counter/roster_panel.py" line="34"/>
        <source>Class roster</source>
        <translation>班级名单</translation>
    </message>
    <message>
        <location filename="../../ui/counter/roster_panel.py" line="42"/>
        <source>Previous</source>
        <translation>上一名</translation>
    </message>
    <message>
        <location filename="../../ui/counter/roster_panel.py" line="43"/>
        <source>Next in roster</source>
        <translation>下一名</translation>
    </message>
    <message>
        <location filename="../../ui/counter/roster_panel.py" line="80"/>
        <source>Confirmed {0} / remaining {1} / total {2}</source>
        <translation>已确认 {0} / 待确认 {1} / 共 {2}</translation>
    </message>
</context>
<context>
    <name>SelfTest</name>
    <message>
        <location filename="../../ui/settings.py" line="232"/>
        <source>Camera: {0:.0f} frames per second</source>
        <translation>摄像头：每秒 {0:.0f} 帧</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="236"/>
        <source>Camera: connected, no frames yet</source>
        <translation>摄像头：已连接，尚无画面</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="241"/>
        <source>Camera: not working ({0}); check the cable and settings</source>
        <translation>摄像头：不工作（{0}），请检查连线和设置</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="247"/>
        <source>Light: not measured yet</source>
        <translation>光线：尚未测量</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="249"/>
        <source>Light: too dark; turn on the desk lamp</source>
        <translation>光线：过暗，请打开台灯</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="251"/>
        <source>Light: too bright; avoid backlight</source>
        <translation>光线：过亮，请避免逆光</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="253"/>
        <source>Light: good</source>
        <translation>光线：良好</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="255"/>
        <source>Card reader: connected</source>
        <translation>读卡器：已连接</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="260"/>
        <source>Card reader: not connected ({0}); check the USB cable</source>
        <translation>读卡器：未连接（{0}），请检查 USB 线</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="266"/>
        <source>Face engine: ready</source>
        <translation>人脸引擎：就绪</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="268"/>
        <source>Face engine: still loading</source>
        <translation>人脸引擎：加载中</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="273"/>
        <source>Face engine: failed ({0})</source>
        <translation>人脸引擎：加载失败（{0}）</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings.py" line="48"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="51"/>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="54"/>
        <source>Camera device</source>
        <translation>摄像头设备</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="55"/>
        <source>Video file or image folder</source>
        <translation>视频文件或图片文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="56"/>
        <source>Generated test pattern</source>
        <translation>生成的测试画面</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="67"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="68"/>
        <source>Device index</source>
        <translation>设备编号</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="69"/>
        <source>File or folder</source>
        <translation>文件或文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="70"/>
        <source>Resolution</source>
        <translation>分辨率</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="75"/>
        <location filename="../../ui/settings.py" line="104"/>
        <source>Counter</source>
        <translation>确认窗口</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="78"/>
        <source>/dev/ttyUSB0, COM3 or &apos;simulator&apos;</source>
        <translation>/dev/ttyUSB0、COM3 或 simulator</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="87"/>
        <source>Card reader port</source>
        <translation>读卡器端口</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="88"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="89"/>
        <source>Lock after idle minutes</source>
        <translation>空闲多少分钟后锁定</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="103"/>
        <source>Site</source>
        <translation>考点</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="134"/>
        <source>Calibrate them on site data with &apos;desk-app faces calibrate&apos;.</source>
        <translation>可用本地数据运行 &apos;desk-app faces calibrate&apos; 校准。</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="138"/>
        <source>Needed for limits looser than the calibrated review limits</source>
        <translation>阈值宽于校准的复核界限时必须填写</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="140"/>
        <source>Reason for the change</source>
        <translation>修改原因</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="149"/>
        <source>Camera, reader, language, identity and thresholds apply at the next start.</source>
        <translation>摄像头、读卡器、语言、窗口身份和阈值在下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="107"/>
        <source>Config file</source>
        <translation>配置文件</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="107"/>
        <source>(defaults)</source>
        <translation>（默认设置）</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="111"/>
        <source>Face thresholds (distance: pass / review)</source>
        <translation>人脸阈值（距离：通过 / 复核）</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="117"/>
        <source>Live – card</source>
        <translation>现场 – 证件照</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="118"/>
        <source>Live – e-photo</source>
        <translation>现场 – 电子照片</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="119"/>
        <source>Card – e-photo</source>
        <translation>证件照 – 电子照片</translation>
    </message>
</context>
<context>
    <name>SideBySideDialog</name>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="48"/>
        <source>No photo kept</source>
        <translation>未保留照片</translation>
    </message>
    <message>
        <location filename="../../ui/counter/match_panel.py" line="57"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <location filename="../../ui/signin.py" line="79"/>
        <source>Confirmation Desk: sign in</source>
        <translation>现场确认系统：登录</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="80"/>
        <source>Operator id</source>
        <translation>操作员账号</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="81"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="82"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="88"/>
        <source>Opening the database…</source>
        <translation>正在打开数据库…</translation>
    </message>
</context>
<context>
    <name>Slip</name>
    <message>
        <location filename="../../ui/slip.py" line="37"/>
        <source>consent given after the processing notice</source>
        <translation>已告知并取得同意</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="39"/>
        <source>consent refused: documents compared by a supervisor</source>
        <translation>未同意：由审核员人工核验证件</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="40"/>
        <source>not asked</source>
        <translation>未询问</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="51"/>
        <source>Identity confirmation slip</source>
        <translation>身份确认回执</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="73"/>
        <source>Self-study examination: on-site identity confirmation slip</source>
        <translation>高等教育自学考试现场身份确认回执</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="77"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="78"/>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="79"/>
        <source>Registration</source>
        <translation>报名号</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="80"/>
        <source>Programme</source>
        <translation>专业</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="81"/>
        <source>Exam area</source>
        <translation>考区</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="82"/>
        <source>Confirmed at</source>
        <translation>确认时间</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="83"/>
        <source>Site / counter</source>
        <translation>确认点 / 窗口</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="84"/>
        <source>Clerk</source>
        <translation>窗口工作人员</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="85"/>
        <source>Face processing</source>
        <translation>人脸信息处理</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="102"/>
        <source>Admission ticket number</source>
        <translation>准考证号</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="109"/>
        <source>Candidate&apos;s signature</source>
        <translation>考生签名</translation>
    </message>
    <message>
        <location filename="../../ui/slip.py" line="88"/>
        <source>Reason of visit</source>
        <translation>来访原因</translation>
    </message>
</context>
<context>
    <name>StatisticsScreen</name>
    <message>
        <location filename="../../ui/admin/statistics.py" line="113"/>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="117"/>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="124"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="131"/>
        <source>The day</source>
        <translation>当日</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="136"/>
        <location filename="../../ui/admin/statistics.py" line="173"/>
        <source>Decisions</source>
        <translation>决定</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="137"/>
        <source>First-line decisions</source>
        <translation>首次处理</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="138"/>
        <source>Referral rate</source>
        <translation>转审率</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="139"/>
        <source>Candidates per hour</source>
        <translation>每小时考生数</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="140"/>
        <source>Median handling time (s)</source>
        <translation>处理时长中位数（秒）</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="141"/>
        <source>Hours with decisions</source>
        <translation>有处理的小时数</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="192"/>
        <source>Decisions per hour (China time)</source>
        <translation>每小时决定数（北京时间）</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="193"/>
        <source>Face distances per comparison</source>
        <translation>各比对项人脸距离分布</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="162"/>
        <source>By counter</source>
        <translation>按窗口</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="163"/>
        <source>By operator</source>
        <translation>按操作员</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="164"/>
        <source>By outcome</source>
        <translation>按结果</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="165"/>
        <source>By reason</source>
        <translation>按原因</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="167"/>
        <source>By method</source>
        <translation>按确认方式</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="168"/>
        <source>By exam area</source>
        <translation>按考区</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="173"/>
        <source>Value</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="177"/>
        <source>Comparison</source>
        <translation>比对项</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="177"/>
        <source>Count</source>
        <translation>次数</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="177"/>
        <source>Median</source>
        <translation>中位数</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="177"/>
        <source>90th percentile</source>
        <translation>90 百分位</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="251"/>
        <source>{0}: {1} decisions without a recorded handling time are left out of the median.</source>
        <translation>{0}：{1} 条决定未记录处理时长，未计入中位数。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/statistics.py" line="166"/>
        <source>By reason of visit</source>
        <translation>按来访原因</translation>
    </message>
</context>
<context>
    <name>SupervisorAcceptDialog</name>
    <message>
        <location filename="../../ui/counter/liveness_bar.py" line="89"/>
        <source>Supervisor accepts the failed liveness check</source>
        <translation>审核员认可未通过的活体检测</translation>
    </message>
    <message>
        <location filename="../../ui/counter/liveness_bar.py" line="96"/>
        <source>Why the candidate is accepted (e.g. a medical condition; checked how)</source>
        <translation>认可的理由（例如身体原因；如何核实）</translation>
    </message>
    <message>
        <location filename="../../ui/counter/liveness_bar.py" line="99"/>
        <source>Supervisor</source>
        <translation>审核员</translation>
    </message>
    <message>
        <location filename="../../ui/counter/liveness_bar.py" line="100"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/counter/liveness_bar.py" line="101"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
</context>
<context>
    <name>Texts</name>
    <message>
        <location filename="../../ui/texts.py" line="32"/>
        <source>Pre-registered</source>
        <translation>已预注册</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="33"/>
        <source>Referred to supervisor</source>
        <translation>已转审核</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="34"/>
        <source>Confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="35"/>
        <source>Rejected</source>
        <translation>不予确认</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="36"/>
        <source>Revoked</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="42"/>
        <source>Clerk</source>
        <translation>窗口工作人员</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="43"/>
        <source>Supervisor</source>
        <translation>审核员</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="44"/>
        <source>Tutoring-unit staff</source>
        <translation>助学单位工作人员</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="45"/>
        <source>Administrator</source>
        <translation>系统管理员</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="51"/>
        <source>New registration</source>
        <translation>新生注册</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="52"/>
        <source>Enrolled (keeps ticket number)</source>
        <translation>在籍注册（沿用准考证号）</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="58"/>
        <source>Resident ID card</source>
        <translation>居民身份证</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="59"/>
        <source>HK/Macau/Taiwan residence permit</source>
        <translation>港澳台居民居住证</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="60"/>
        <source>Foreigner permanent residence card</source>
        <translation>外国人永久居留身份证</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="61"/>
        <source>HK/Macau travel permit</source>
        <translation>港澳居民来往内地通行证</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="62"/>
        <source>Taiwan travel permit</source>
        <translation>台湾居民来往大陆通行证</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="63"/>
        <source>Military card</source>
        <translation>军人证件</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="64"/>
        <source>Passport</source>
        <translation>护照</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="72"/>
        <source>Face score too low</source>
        <translation>人脸比对分数过低</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="73"/>
        <source>Face does not match</source>
        <translation>人脸不符</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="74"/>
        <source>Document without chip</source>
        <translation>无芯片证件</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="75"/>
        <source>Document invalid</source>
        <translation>证件无效</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="76"/>
        <source>Document expired</source>
        <translation>证件已过期</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="77"/>
        <source>Card and registration differ</source>
        <translation>证件与报名信息不符</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="78"/>
        <source>Attempts exhausted</source>
        <translation>确认次数已用完</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="79"/>
        <source>Prior diploma not verified</source>
        <translation>前置学历未通过核验</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="80"/>
        <source>Suspected impersonation</source>
        <translation>疑似替考</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="81"/>
        <source>Duplicate registration</source>
        <translation>重复报名</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="82"/>
        <source>Face matches another confirmed candidate</source>
        <translation>人脸与另一已确认考生相符</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="83"/>
        <source>Liveness check failed</source>
        <translation>活体检测未通过</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="84"/>
        <source>Candidate&apos;s request</source>
        <translation>考生本人要求</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="85"/>
        <source>Consent to face processing refused</source>
        <translation>考生不同意人脸信息处理</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="86"/>
        <source>Clerk error</source>
        <translation>工作人员操作失误</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="87"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="118"/>
        <source>Look at the camera</source>
        <translation>请看摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="119"/>
        <source>One person only</source>
        <translation>请仅一人入镜</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="120"/>
        <source>Move closer</source>
        <translation>请靠近一点</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="121"/>
        <source>Too dark</source>
        <translation>光线太暗</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="122"/>
        <source>Too bright</source>
        <translation>光线太亮</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="123"/>
        <source>Hold still</source>
        <translation>请保持不动</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="124"/>
        <source>Face the camera</source>
        <translation>请正对摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="125"/>
        <source>Keep your head straight</source>
        <translation>请摆正头部</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="126"/>
        <source>Open your eyes</source>
        <translation>请睁开眼睛</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="134"/>
        <source>background not light and even (use the backdrop)</source>
        <translation>背景不够浅或不均匀（请使用背景布）</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="137"/>
        <source>eyes closed</source>
        <translation>闭眼</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="138"/>
        <source>head turned or tilted</source>
        <translation>头部偏转或倾斜</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="139"/>
        <source>glare on the face</source>
        <translation>面部反光</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="140"/>
        <source>head too close to the picture&apos;s edge</source>
        <translation>头部离画面边缘太近</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="141"/>
        <source>file size outside 20–40 KB</source>
        <translation>文件大小不在 20–40 KB 之内</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="150"/>
        <source>Passed</source>
        <translation>通过</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="151"/>
        <source>No steady face looking at the camera</source>
        <translation>未检测到稳定正视摄像头的人脸</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="152"/>
        <source>The action was not seen in time</source>
        <translation>未在规定时间内完成动作</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="153"/>
        <source>The head turned but did not come back to the front</source>
        <translation>转头后未回正</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="156"/>
        <source>A different action was performed</source>
        <translation>动作与提示不符</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="157"/>
        <source>The face moved like a photo or a screen, not a head</source>
        <translation>人脸像照片或屏幕一样移动，不是真人（疑似翻拍）</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="160"/>
        <source>The face changed during the check</source>
        <translation>检测过程中人脸发生了变化</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="161"/>
        <source>The face left the picture</source>
        <translation>人脸离开了画面</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="162"/>
        <source>More than one face is in front of the camera</source>
        <translation>摄像头前有多张人脸</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="165"/>
        <source>The camera picture was interrupted</source>
        <translation>摄像头画面中断</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="166"/>
        <source>The passive check judged the face not live</source>
        <translation>静默活体检测判定为非真人</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="167"/>
        <source>Not asked</source>
        <translation>未要求</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="168"/>
        <source>The check did not finish</source>
        <translation>检测未完成</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="180"/>
        <source>The live face matches neither reference</source>
        <translation>现场人脸与证件照、电子照片均不符</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="181"/>
        <source>No card portrait (compare the printed card photo by eye)</source>
        <translation>无证件照（请人工核对证件上的照片）</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="184"/>
        <source>No usable registered e-photo</source>
        <translation>报名电子照片不可用</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="185"/>
        <source>Card portrait and e-photo look like different people</source>
        <translation>证件照与电子照片疑似不是同一人</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="188"/>
        <source>A score is in the review band</source>
        <translation>有比对分数处于复核区间</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="189"/>
        <source>Card portrait has low resolution</source>
        <translation>证件照分辨率低</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="190"/>
        <source>The card portrait is many years old</source>
        <translation>证件照片拍摄年代久远</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="195"/>
        <source>Wrong operator id or password.</source>
        <translation>操作员账号或密码错误。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="196"/>
        <source>You referred this case yourself: another supervisor must decide.</source>
        <translation>此案例由您本人转审，须由另一名审核员决定。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="199"/>
        <source>Your role may not do this.</source>
        <translation>您的角色无权执行此操作。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="200"/>
        <source>This candidate belongs to an exam area this counter does not serve.</source>
        <translation>该考生所属考区不在本窗口受理范围内。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="203"/>
        <source>This candidate is not in your tutoring unit.</source>
        <translation>该考生不属于您的助学单位。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="206"/>
        <source>This counter already has operators.</source>
        <translation>本窗口已有操作员。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="209"/>
        <source>The record changed while it was on screen: look at it again.</source>
        <translation>记录在显示期间已被修改，请重新查看。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="212"/>
        <source>The record&apos;s state does not allow this.</source>
        <translation>记录当前状态不允许此操作。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="215"/>
        <source>Choose a reason.</source>
        <translation>请选择原因。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="216"/>
        <source>A document without a chip must be referred to a supervisor.</source>
        <translation>无芯片证件必须转审核员审核。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="219"/>
        <source>A password has at least 10 characters.</source>
        <translation>密码至少需要 10 个字符。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="222"/>
        <source>The password must not be the operator id.</source>
        <translation>密码不能与操作员账号相同。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="225"/>
        <source>This password is too common or too simple: choose another.</source>
        <translation>该密码过于常见或过于简单，请换一个。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="228"/>
        <source>The new password is the same as the old one.</source>
        <translation>新密码与旧密码相同。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="231"/>
        <source>You cannot deactivate yourself.</source>
        <translation>不能停用自己的账号。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="232"/>
        <source>There is no such operator.</source>
        <translation>没有这个操作员。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="233"/>
        <source>The database is encrypted and its key is not on this computer: ask the administrator to restore the key.</source>
        <translation>数据库已加密，但本机上没有它的密钥：请联系管理员恢复密钥。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="238"/>
        <source>The database cannot be opened with the key on this computer: ask the administrator to restore the right key.</source>
        <translation>本机上的密钥无法打开数据库：请联系管理员恢复正确的密钥。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="243"/>
        <source>The picture has too many pixels and was not opened.</source>
        <translation>图片像素过多，未予打开。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="246"/>
        <source>The picture is not in a known image format and was not opened.</source>
        <translation>图片格式无法识别，未予打开。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="249"/>
        <source>Record the candidate&apos;s answer to the processing notice first.</source>
        <translation>请先记录考生对个人信息处理告知的答复。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="252"/>
        <source>The candidate refused consent: no face may be taken or kept.</source>
        <translation>考生不同意：不得采集或保存其人脸信息。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="255"/>
        <source>Say why the full numbers are needed.</source>
        <translation>请说明需要查看完整号码的原因。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="256"/>
        <source>Thresholds looser than the calibrated review limits need a written reason.</source>
        <translation>宽于校准复核界限的阈值必须填写书面原因。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="259"/>
        <source>The e-photo has too many pixels and was not imported.</source>
        <translation>电子照片像素过多，未予导入。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="262"/>
        <source>Enter an operator id.</source>
        <translation>请输入操作员账号。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="263"/>
        <source>This operator id already exists.</source>
        <translation>该操作员账号已存在。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="264"/>
        <source>The check character of the ID number is wrong.</source>
        <translation>身份证号码校验位错误。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="267"/>
        <source>The document number is empty.</source>
        <translation>证件号码为空。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="268"/>
        <source>The document number has the wrong format.</source>
        <translation>证件号码格式错误。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="269"/>
        <source>The number belongs to another document type.</source>
        <translation>该号码属于另一种证件。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="272"/>
        <source>The date is not a valid date (YYYY-MM-DD).</source>
        <translation>日期无效（应为 YYYY-MM-DD）。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="273"/>
        <source>The e-mail address is not valid.</source>
        <translation>电子邮箱地址无效。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="274"/>
        <source>The phone number is not a valid mainland mobile number.</source>
        <translation>手机号码不是有效的大陆手机号。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="277"/>
        <source>The birth date differs from the one in the ID number.</source>
        <translation>出生日期与身份证号中的不一致。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="280"/>
        <source>The cell is longer than the field allows.</source>
        <translation>单元格内容超过该字段允许的长度。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="281"/>
        <source>The cell holds invisible control characters.</source>
        <translation>单元格含有不可见的控制字符。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="284"/>
        <source>The line breaks the CSV format (quotes or separators).</source>
        <translation>该行不符合 CSV 格式（引号或分隔符有误）。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="287"/>
        <source>The ID number appears in another row too.</source>
        <translation>该身份证号在另一行中也出现。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="290"/>
        <source>The registration number appears in another row too.</source>
        <translation>该报名号在另一行中也出现。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="293"/>
        <source>The cell shows a spreadsheet error instead of a value.</source>
        <translation>单元格显示的是表格错误而不是数值。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="296"/>
        <source>The cell holds a formula: only plain values are imported.</source>
        <translation>单元格含有公式：只导入纯数值。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="299"/>
        <source>A merged ticket number is the chosen number itself.</source>
        <translation>合并的准考证号就是选定的准考证号本身。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="302"/>
        <source>A merged ticket number has characters other than digits.</source>
        <translation>合并的准考证号含有非数字字符。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="305"/>
        <source>A new candidate has no earlier ticket numbers to merge.</source>
        <translation>新生没有可合并的旧准考证号。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="308"/>
        <source>The number is too long for a spreadsheet number: format the column as text.</source>
        <translation>数字过长，表格无法精确保存：请将该列设为文本格式。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="311"/>
        <source>A required cell is empty.</source>
        <translation>必填单元格为空。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="312"/>
        <source>The sex differs from the one in the ID number.</source>
        <translation>性别与身份证号中的不一致。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="315"/>
        <source>The ticket number does not follow this province&apos;s layout.</source>
        <translation>准考证号不符合本省的编排规则。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="318"/>
        <source>An enrolled candidate&apos;s row has no ticket number.</source>
        <translation>在籍考生的行没有准考证号。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="321"/>
        <source>The ticket number has characters other than digits.</source>
        <translation>准考证号含有非数字字符。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="324"/>
        <source>A new candidate&apos;s row already has a ticket number.</source>
        <translation>新生的行已有准考证号。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="327"/>
        <source>The row has fewer cells than the header.</source>
        <translation>该行的单元格少于表头。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="328"/>
        <source>The row has more cells than the header.</source>
        <translation>该行的单元格多于表头。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="329"/>
        <source>Say why the entry is blocked.</source>
        <translation>请说明列入黑名单的理由。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="330"/>
        <source>Enter the ID number to block.</source>
        <translation>请输入要拉黑的证件号码。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="331"/>
        <source>Only the faces of a revoked case can be blocked: revoke it first.</source>
        <translation>只能拉黑已撤销案例的人脸：请先撤销。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="334"/>
        <source>This case kept no live face to block.</source>
        <translation>此案例没有保存可拉黑的现场人脸。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="335"/>
        <source>The central side holds no such live face of this case.</source>
        <translation>中心库中没有该案件的这张现场人脸。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="338"/>
        <source>The entry is malformed.</source>
        <translation>该条目格式有误。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="339"/>
        <source>No such entry on the blocklist.</source>
        <translation>黑名单中没有该条目。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="340"/>
        <source>Say why the entry is lifted.</source>
        <translation>请说明解除该条目的理由。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="341"/>
        <source>This entry applies at every counter: the central administrator lifts it (desk-app central blocklist remove).</source>
        <translation>该条目在所有窗口生效，须由中心管理员解除（desk-app central blocklist remove）。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="346"/>
        <source>The live face is that of another candidate confirmed already: a supervisor must decide.</source>
        <translation>现场人脸与另一名已确认考生相同：须由主管处理。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="350"/>
        <source>The ID number or the face is on the blocklist: a supervisor must decide this case.</source>
        <translation>该身份证号或人脸在黑名单中：须由主管处理此案件。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="354"/>
        <source>The card has expired.</source>
        <translation>证件已过期。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="389"/>
        <source>No chip portrait decoder is set up on this counter: compare the printed card photo by eye.</source>
        <translation>本柜台未配置芯片照片解码程序：请用肉眼比对证件上印刷的照片。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="394"/>
        <source>The chip portrait decoder crashed. The card&apos;s text is good and the counter keeps working: compare the printed card photo by eye.</source>
        <translation>芯片照片解码程序崩溃。证件文字信息有效，柜台可继续工作：请用肉眼比对证件上印刷的照片。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="399"/>
        <source>The chip portrait decoder did not answer in time: place the card again, or compare the printed card photo by eye.</source>
        <translation>芯片照片解码程序未及时响应：请重新放置证件，或用肉眼比对证件上印刷的照片。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="404"/>
        <source>The chip portrait could not be decoded: place the card again, or compare the printed card photo by eye.</source>
        <translation>芯片照片无法解码：请重新放置证件，或用肉眼比对证件上印刷的照片。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="409"/>
        <source>The chip portrait decoder gave no usable picture: compare the printed card photo by eye.</source>
        <translation>芯片照片解码程序未给出可用的图像：请用肉眼比对证件上印刷的照片。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="413"/>
        <source>The chip portrait decoder failed: compare the printed card photo by eye.</source>
        <translation>芯片照片解码程序出错：请用肉眼比对证件上印刷的照片。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="417"/>
        <source>The chip portrait decoder library is not where the settings say: compare the printed card photo by eye and tell the administrator.</source>
        <translation>找不到设置中指定的芯片照片解码库：请用肉眼比对证件上印刷的照片，并通知管理员。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="422"/>
        <source>The chip portrait decoder library cannot be loaded: compare the printed card photo by eye and tell the administrator.</source>
        <translation>芯片照片解码库无法加载：请用肉眼比对证件上印刷的照片，并通知管理员。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="427"/>
        <source>The chip portrait decoder library does not fit this computer (32/64-bit): compare the printed card photo by eye and tell the administrator.</source>
        <translation>芯片照片解码库与本机不匹配（32/64 位）：请用肉眼比对证件上印刷的照片，并通知管理员。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="432"/>
        <source>The chip portrait decoder cannot be started: compare the printed card photo by eye and tell the administrator.</source>
        <translation>芯片照片解码程序无法启动：请用肉眼比对证件上印刷的照片，并通知管理员。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="355"/>
        <source>The birth date on the card differs from the one in the number.</source>
        <translation>证件上的出生日期与号码中的不一致。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="358"/>
        <source>The sex printed on the card differs from the one in the number.</source>
        <translation>证件上印的性别与证件号码不一致。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="361"/>
        <source>No ID card in the picture: hold the card flat, filling most of the frame.</source>
        <translation>画面中没有身份证：请将证件放平，占满大部分画面。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="364"/>
        <source>The card is too far away: bring it closer to the camera.</source>
        <translation>证件离摄像头太远：请靠近一些。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="367"/>
        <source>The card is blurred: hold it still.</source>
        <translation>证件图像模糊：请拿稳不动。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="368"/>
        <source>Glare hides part of the card: tilt it away from the light.</source>
        <translation>反光遮住了证件的一部分：请稍微倾斜避开光源。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="371"/>
        <source>The ID number could not be read with certainty: read the card again.</source>
        <translation>未能可靠识别证件号码：请重新读取。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="374"/>
        <source>The ID number read from the card fails its check character.</source>
        <translation>从证件上识别的号码校验位不正确。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="377"/>
        <source>The ID number read from the card is not a valid number.</source>
        <translation>从证件上识别的号码不是有效号码。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="380"/>
        <source>A field of the card could not be read.</source>
        <translation>证件上有一项内容未能识别。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="381"/>
        <source>The ethnicity read from the card is not in the code table.</source>
        <translation>识别出的民族不在代码表中。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="384"/>
        <source>This is the back of the card: show the side with the photo.</source>
        <translation>这是证件背面：请出示有照片的一面。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="437"/>
        <source>No admission ticket number is available.</source>
        <translation>没有可用的准考证号。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="438"/>
        <source>The database cannot be reached; nothing was changed.</source>
        <translation>无法连接数据库，未做任何更改。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="441"/>
        <source>The camera cannot be opened.</source>
        <translation>无法打开摄像头。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="442"/>
        <source>The camera was disconnected.</source>
        <translation>摄像头已断开。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="443"/>
        <source>The face engine could not be loaded.</source>
        <translation>人脸引擎无法加载。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="465"/>
        <source>The liveness check has not been passed yet: the candidate follows the prompt.</source>
        <translation>尚未通过活体检测：请考生按提示动作。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="468"/>
        <source>The liveness check failed: check again, refer, or ask a supervisor to accept it.</source>
        <translation>活体检测未通过：请重新检测、转审核，或请审核员认可。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="471"/>
        <source>A tutoring unit cannot accept a failed liveness check: refer the candidate.</source>
        <translation>助学单位不能认可未通过的活体检测：请转交考试机构。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="474"/>
        <source>Only a supervisor can accept a failed liveness check.</source>
        <translation>只有审核员可以认可未通过的活体检测。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="477"/>
        <location filename="../../ui/texts.py" line="480"/>
        <source>Accepting a failed liveness check needs a written reason.</source>
        <translation>认可未通过的活体检测须填写理由。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="514"/>
        <source>Too many failed sign-ins: sign-in is locked for {minutes} min. An administrator can end the lockout.</source>
        <translation>登录失败次数过多：登录已锁定 {minutes} 分钟。管理员可以解除锁定。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="520"/>
        <source>Wrong operator id or password. Wait {seconds} s before trying again.</source>
        <translation>操作员账号或密码错误。请等待 {seconds} 秒后再试。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="546"/>
        <source>The document number breaks a rule</source>
        <translation>证件号码不符合规则</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="551"/>
        <source>The database is busy or unavailable; try again.</source>
        <translation>数据库忙或不可用，请重试。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="444"/>
        <source>Operators of an enrolled counter are added centrally and arrive with the next sync.</source>
        <translation>本窗口已接入中心服务：操作员须在中心添加，下次同步后到达本窗口。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="448"/>
        <source>This counter must be enrolled with the central sync service (desk-app counter enrol).</source>
        <translation>本窗口须先接入中心同步服务（desk-app counter enrol）。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="452"/>
        <source>This counter&apos;s key cannot be read: enrol the counter again.</source>
        <translation>无法读取本窗口的密钥：请重新接入中心服务。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="455"/>
        <source>The central service did not accept this counter: it may have been revoked.</source>
        <translation>中心服务拒绝了本窗口：本窗口可能已被注销。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="458"/>
        <source>A confirmation needs the live photo: capture the face first.</source>
        <translation>确认需要现场照片：请先采集人像。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="461"/>
        <source>The face has not been matched yet.</source>
        <translation>尚未完成人像比对。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="462"/>
        <source>The face match does not allow a confirmation: refer to a supervisor.</source>
        <translation>人像比对结果不允许直接确认：请转审核。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="483"/>
        <source>The central side does not know this operator.</source>
        <translation>中心没有该操作员。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="486"/>
        <source>The central side knows this operator with another role or unit.</source>
        <translation>中心记录的该操作员角色或单位不同。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="98"/>
        <source>Not recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="100"/>
        <source>Renewed ID card</source>
        <translation>身份证换领</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="101"/>
        <source>Moved household registration</source>
        <translation>户籍迁移</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="102"/>
        <source>Military or armed police</source>
        <translation>军人、武警</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="103"/>
        <source>Other document (permit, passport)</source>
        <translation>其他证件（通行证、护照）</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="104"/>
        <source>Online check failed three times</source>
        <translation>网上确认三次未通过</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="105"/>
        <source>Tutoring class</source>
        <translation>助学班</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="106"/>
        <source>Prior-diploma documents</source>
        <translation>前置学历材料</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="489"/>
        <source>The evidence checklist is incomplete: the case can only be referred.</source>
        <translation>核验清单未完成：只能转审。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="492"/>
        <source>Unknown reason of visit.</source>
        <translation>未知的来访原因。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="493"/>
        <source>The province&apos;s checklist file is malformed: the default checklists are used.</source>
        <translation>本省核验清单文件有误：已改用默认清单。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="496"/>
        <source>No page found: hold the whole page flat in front of the camera.</source>
        <translation>未找到材料页面：请将整页平整地对准摄像头。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="499"/>
        <source>The page is cut off: hold all four corners in view.</source>
        <translation>页面不完整：请让四个角都在画面内。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="502"/>
        <source>The page is blurred: hold it still and try again.</source>
        <translation>页面模糊：请拿稳后重试。</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="503"/>
        <source>Light reflects off the page: tilt it away from the lamp and try again.</source>
        <translation>页面反光：请避开灯光倾斜后重试。</translation>
    </message>
</context>
<context>
    <name>VisitPanel</name>
    <message>
        <location filename="../../ui/counter/visit_panel.py" line="81"/>
        <source>Reason of visit</source>
        <translation>来访原因</translation>
    </message>
    <message>
        <location filename="../../ui/counter/visit_panel.py" line="99"/>
        <source>Capture page (F9)</source>
        <translation>拍摄材料（F9）</translation>
    </message>
    <message>
        <location filename="../../ui/counter/visit_panel.py" line="131"/>
        <source>No camera picture: hold the page up to the camera.</source>
        <translation>没有摄像头画面：请将材料对准摄像头。</translation>
    </message>
    <message>
        <location filename="../../ui/counter/visit_panel.py" line="135"/>
        <source>Straightening the page…</source>
        <translation>正在校正页面…</translation>
    </message>
    <message>
        <location filename="../../ui/counter/visit_panel.py" line="188"/>
        <source>(page)</source>
        <translation>（需拍摄）</translation>
    </message>
    <message>
        <location filename="../../ui/counter/visit_panel.py" line="198"/>
        <source>No page captured</source>
        <translation>尚未拍摄材料</translation>
    </message>
    <message>
        <location filename="../../ui/counter/visit_panel.py" line="201"/>
        <source>{count} page(s) captured</source>
        <translation>已拍摄 {count} 页</translation>
    </message>
    <message>
        <location filename="../../ui/counter/visit_panel.py" line="207"/>
        <source>verification code not found: type it from the paper</source>
        <translation>未识读到在线验证码：请按原件核对</translation>
    </message>
    <message>
        <location filename="../../ui/counter/visit_panel.py" line="210"/>
        <source>verification code {code}? check it on the paper</source>
        <translation>在线验证码 {code}？请核对原件</translation>
    </message>
    <message>
        <location filename="../../ui/counter/visit_panel.py" line="215"/>
        <source>verification code {code}</source>
        <translation>在线验证码 {code}</translation>
    </message>
    <message>
        <location filename="../../ui/counter/visit_panel.py" line="227"/>
        <source>Checklist complete</source>
        <translation>核验清单已完成</translation>
    </message>
    <message>
        <location filename="../../ui/counter/visit_panel.py" line="231"/>
        <source>{count} item(s) to check: only a referral until then</source>
        <translation>还有 {count} 项待核验：完成前只能转审</translation>
    </message>
</context>
</TS>
