import { Page } from "zmp-ui";
import { Lock } from "lucide-react";
import { BackHeader } from "./back-header";

/** What a shopper sees on a staff screen (the server refuses their calls anyway). */
export function StaffOnly({ title, testId }: { title: string; testId: string }) {
  return (
    <Page className="mc-page" hideScrollbar>
      <BackHeader title={title} />
      <div className="mcl-empty" data-testid={testId}>
        <Lock size={40} />
        <p>Chỉ dành cho nhân viên cửa hàng</p>
      </div>
    </Page>
  );
}
