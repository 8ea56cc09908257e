import type { Reason } from '../domain/errors.js';

/**
 * `?language=` of GET /v1/tasks/{id}: the language of a failed task's `error.message`. The machine
 * `reason` never changes. Chinese has its own sentence per reason; Korean and Japanese fall back to
 * the English message (the answer's Content-Language says which language it is in).
 */
export const taskLanguages = ['zh', 'en', 'ko', 'ja'] as const;
export type TaskLanguage = (typeof taskLanguages)[number];

/** The language a message is actually written in for a requested language. */
export function messageLanguageOf(language: TaskLanguage): 'zh' | 'en' {
  return language === 'zh' ? 'zh' : 'en';
}

/** One sentence per reason (typed against the catalogue: a new reason fails the typecheck until it is here). */
const chinese: Record<Reason, string> = {
  required: '缺少必填的字段、请求头或请求体。',
  invalid_type: '字段的 JSON 类型不正确（或请求体不是 JSON 对象）。',
  invalid_value: '字段的值不在允许范围内或格式不正确。',
  too_short: '文本短于允许的长度。',
  too_long: '文本超过允许的长度。',
  too_few: '列表中的条目少于允许的数量。',
  too_many: '列表中的条目多于允许的数量。',
  out_of_range: '数值超出允许的范围。',
  unknown_field: '存在未定义的字段或查询参数（请检查拼写）。',
  conflicting_alias: '字段与其别名（size/aspect_ratio、callback_url/webhook）同时给出且取值不一致。',
  duplicate_role: 'image_with_roles 中有两张图片使用了相同的角色。',
  mixed_media_not_allowed: '图片、视频与音频的组合不被任何生成模式支持。',
  unsupported_for_model: '所选模型不支持该字段或该取值（例如 wan2.7-r2v 不支持 audio_url）。',
  reference_required: 'wan2.7-r2v 至少需要一张参考图片或一段参考视频（仅有首帧不够）。',
  too_many_references: 'wan2.7-r2v 最多支持 5 个参考（图片与视频合计，首帧不计）。',
  voice_not_allowed: '该条目（首帧）不能带有 reference_voice。',
  unsupported_url_scheme: '媒体值不是 http(s) URL、data: URI 或已上传文件的 ID（file_…）。',
  forbidden_key: '请求体包含名为 __proto__ 的键，或包含 prototype 的 constructor 键；param 指出其位置。',
  request_timeout: '请求或其请求头未在服务器的时限内完整到达。',
  headers_too_large: '请求头大于服务器接受的大小。',
  path_segment_too_long: 'URL 路径中的某一段长于任何 ID（超过 100 个字符）。',
  invalid_path: 'URL 路径无效（例如百分号编码格式错误）。',
  balance_too_large: '此次充值会使密钥拥有的金额超过上限（10^15 最小单位：余额加上未完成任务的预扣）。',
  invalid_json: '请求体不是有效的 JSON。',
  unsupported_content_type: '该接口不接受此 Content-Type。',
  invalid_content_length: 'Content-Length 与请求体不符。',
  bad_request: 'HTTP 请求格式有误。',
  body_too_large: '请求体超过服务器允许的大小。',
  too_precise: '金额的小数位数超过货币允许的位数。',
  negative_balance: '此次充值会使密钥余额变为负数。',
  invalid_upload: '无法读取 multipart 上传内容。',
  empty_file: '上传的文件为空。',
  invalid_data_uri: 'data: URI 格式错误（仅接受 base64 编码的 data: URI）。',
  media_too_large: '媒体文件超过其类型允许的大小（图片 20 MB、视频 100 MB、音频 15 MB）。',
  unsupported_format: '媒体格式不受支持，或与字段要求的类型不符。',
  unreadable_media: '无法将媒体读取为图片、视频或音频文件。',
  bad_dimensions: '图片或视频的边长超出允许的像素范围。',
  bad_aspect_ratio: '图片或视频的宽高比超出 1:8 至 8:1 的范围。',
  bad_duration: '输入视频或音频的时长过短或过长。',
  duration_too_short: '续写任务的 duration 必须大于输入视频片段的时长。',
  duration_too_long: 'wan2.7-videoedit 的 duration 不能超过源视频的时长。',
  url_not_allowed: '媒体 URL 指向服务器拒绝访问的地址（私有、回环或元数据地址），或使用了其他协议。',
  fetch_failed: '无法下载媒体 URL（无响应、非 2xx 状态码或下载中断）。',
  fetch_timeout: '下载媒体 URL 超时。',
  too_many_redirects: '媒体 URL 重定向次数过多。',
  file_not_found: '此密钥下不存在该文件（未知、属于其他密钥或已过保留期）。',
  file_expired: '签名链接指向的文件已不再保留。',
  public_base_url_required: '上游引擎需要获取本服务器上的文件，但服务器未配置公网地址（PUBLIC_BASE_URL）。',
  missing_api_key: '缺少 Authorization: Bearer <key> 请求头。',
  invalid_api_key: 'API 密钥无效、已吊销或已过期。',
  insufficient_scope: '该密钥缺少此接口所需的权限（admin）。',
  invalid_signature: '签名链接无效或已过期。',
  insufficient_balance: '密钥余额不足以支付此次请求。',
  invalid_session: '控制台会话已结束（已退出登录）、已过期，或其密钥已被吊销或过期。',
  cross_site_request: '由控制台 Cookie 认证的请求并非来自本服务器自己的页面（Origin 不符）。',
  console_not_built: '网页控制台的文件尚未构建（请运行 npm install 或 npm run build:console）。',
  rate_limit_exceeded: '已达到该密钥每分钟的请求上限，请参阅 Retry-After。',
  queue_full: '该密钥排队中的任务已达上限，请参阅 Retry-After。',
  key_not_found: '不存在该 ID 的密钥。',
  key_unlimited: '该密钥不限额度，没有可充值的余额。',
  idempotency_key_reused: '该 Idempotency-Key 已用于另一个不同的请求体。',
  task_not_found: '不存在该 ID 的任务（未知或属于其他密钥）。',
  model_not_found: '本服务器上不存在该模型（参见 GET /v1/models）。',
  route_not_found: '不存在该接口。',
  result_not_ready: '任务尚未完成。',
  no_result: '任务已结束但没有结果（失败或已取消）。',
  result_expired: '结果已按保留策略删除，任务仍保留其元数据。',
  not_cancellable: '上游已开始处理该任务，目前不允许取消。',
  task_already_finished: '任务已经结束。',
  task_not_finished: '任务尚未结束；结束时会发送其 Webhook。',
  no_callback_url: '该任务没有回调 URL，其密钥也没有默认的 Webhook URL。',
  range_not_satisfiable: '请求的 Range 超出文件范围。',
  precondition_failed: 'If-Match / If-Unmodified-Since 与文件不匹配。',
  internal: '服务器内部错误，与请求本身无关。',
  engine_error: '生成引擎发生意外错误。',
  too_many_attempts: '任务已达到最大尝试次数。',
  bad_output: '生成引擎的输出不是可读取的视频。',
  storage_unavailable: '对象存储暂时不可用（5xx、超时或连接中断），任务会自动重试。',
  render_failed: '本地引擎（ffmpeg）渲染失败。',
  missing_input: '生成引擎缺少该模式所需的输入。',
  not_pollable: '生成引擎无法恢复该任务。',
  bad_engine_state: '任务保存的引擎状态无法读取。',
  content_moderation: '上游内容审核拒绝了提示词或媒体。',
  upstream_invalid_parameter: '上游拒绝了请求中的某个参数或媒体。',
  upstream_bad_request: '上游拒绝了该请求。',
  upstream_invalid_request: '中继上游以本网关未收录的原因拒绝了请求（原因见详情）。',
  upstream_error: '上游未接受该任务（5xx 错误或网络故障）。',
  upstream_failed: '上游任务在其一侧失败。',
  upstream_cancelled: '上游任务在上游被取消（并非通过本网关）。',
  upstream_task_expired: '上游已不再保留该任务（已过期），结果已丢失。',
  upstream_channel_removed: '接受该任务的上游通道已不再配置。',
  upstream_create_unreconciled: '一次结果未知的创建请求无法与上游任务对应；为避免重复创建，任务已失败。',
  result_download_failed: '无法下载上游的结果。',
  bad_upstream_output: '上游的结果不是可读取的视频。',
  bad_upstream_reply: '无法读取上游关于该任务的应答；为避免无限轮询，任务已失败（该任务可能仍在上游运行）。',
  upstream_auth: '中继上游拒绝了本网关的 API 密钥。',
  upstream_payment_required: '本网关在中继上游的密钥余额不足，请求被拒绝。',
  upstream_invalid_api_key: 'DashScope 通道的 API 密钥被拒绝。',
  upstream_access_denied: 'DashScope 通道无权使用该模型。',
  upstream_arrearage: 'DashScope 通道所属账户已欠费。',
  model_not_available: '没有已配置的上游通道提供该模型：各通道均返回 "Model not exist"（其所在地域可能未开通该模型）。',
  upstream_not_found: 'DashScope 通道的接口或模型不存在。',
};

/**
 * A failed task's message in `language`. English is the message the engine wrote; Chinese is the
 * reason's sentence followed by that original detail (field names, upstream codes, URLs are kept
 * as written); Korean and Japanese are answered in English. An unknown reason (a row from an older
 * version) keeps its message.
 */
export function localiseTaskErrorMessage(reason: string, message: string, language: TaskLanguage): string {
  if (messageLanguageOf(language) === 'en') return message;
  return Object.hasOwn(chinese, reason) ? `${chinese[reason as Reason]}详情：${message}` : message;
}
