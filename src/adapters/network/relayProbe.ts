/**
 * Checks relay credentials before the mesh relies on them: a throwaway RTCPeerConnection that
 * may use only the TURN servers gathers candidates; a relay candidate means coturn accepted the
 * credentials and can allocate. No data is sent to anyone. Resolves false on refusal (forged or
 * expired credentials), an unreachable relay, or after `timeoutMs`.
 */
export async function probeRelay(iceServers: RTCIceServer[], timeoutMs = 5000): Promise<boolean> {
  const turn = iceServers.filter((s) =>
    (Array.isArray(s.urls) ? s.urls : [s.urls]).some((u) => /^turns?:/i.test(u)),
  )
  if (turn.length === 0) return true
  const connection = new RTCPeerConnection({ iceServers: turn, iceTransportPolicy: 'relay' })
  try {
    const found = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs)
      connection.onicecandidate = (event) => {
        if (event.candidate === null) {
          clearTimeout(timer)
          resolve(false)
        } else if (/ typ relay /.test(event.candidate.candidate)) {
          clearTimeout(timer)
          resolve(true)
        }
      }
    })
    connection.createDataChannel('probe')
    await connection.setLocalDescription(await connection.createOffer())
    return await found
  } catch {
    return false
  } finally {
    connection.close()
  }
}
